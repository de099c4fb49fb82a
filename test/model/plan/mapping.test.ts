// Resource mappings in the planner, on the two-node cluster fixture (pve1 + pve2, pve2's devices
// from recorded `pvesh get /nodes/pve2/hardware/pci` output) and on the guide fixture, whose
// hand-made mapping x710-vf (one VF, written without subsystem-id) VM 104 uses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCluster } from '../../../src/host/cluster.ts';
import { createFixtureRunner } from '../../../src/host/fixture-runner.ts';
import { parseSections } from '../../../src/model/mapping-config.ts';
import { resolveMapping } from '../../../src/model/mapping-nodes.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import type { AssignOptions, HostSnapshot, Intent, Plan } from '../../../src/model/types.ts';
import { fixtureSnapshot, readAt } from '../../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../../helpers/tree.ts';

const OPTS: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
const map = (name: string, ...devices: string[]): Intent => ({
  kind: 'mapping',
  name,
  devices: devices.map((d) =>
    d.includes('/') ? { node: d.split('/')[0]!, address: d.split('/')[1]! } : { node: null, address: d },
  ),
});
const errors = (p: Plan) => p.errors.map((e) => `${e.where}: ${e.message}`).join('\n');
const warnings = (p: Plan) => p.warnings.map((e) => `${e.where}: ${e.message}`).join('\n');
const cfg = (p: Plan) => p.edits.find((e) => e.path === 'etc/pve/mapping/pci.cfg');
const commands = (p: Plan) => p.steps.flatMap((s) => (s.kind === 'command' ? [s.argv.join(' ')] : []));

describe('resource mappings: plan', () => {
  let cluster: HostSnapshot, guide: HostSnapshot;
  const dirs: string[] = [];
  beforeAll(async () => {
    [cluster, guide] = await Promise.all([fixtureSnapshot('cluster'), fixtureSnapshot('guide')]);
  });
  afterAll(() => dirs.forEach(removeTree));

  it('reads the two-node cluster: members, pve2 devices from pvesh, and where each mapping resolves', () => {
    expect(cluster.cluster?.name).toBe('lab');
    expect(cluster.cluster?.nodes).toEqual([
      { name: 'pve1', online: true, local: true },
      { name: 'pve2', online: true, local: false },
    ]);
    const pve2 = cluster.cluster?.devices.pve2 ?? [];
    expect(pve2.find((d) => d.address === '0000:41:02.0')).toMatchObject({
      vendorId: '8086',
      deviceId: '154c',
      subsystemVendorId: '8086',
      subsystemDeviceId: '0000',
      iommuGroup: 50,
    });
    const gpu = resolveMapping(
      cluster,
      cluster.mappings.find((m) => m.id === 'gpu')!,
    );
    expect(gpu.map((r) => [r.node, r.state])).toEqual([
      ['pve1', 'ok'],
      ['pve2', 'broken'],
    ]);
    expect(gpu[1]!.problems.join()).toMatch(/0000:65:00.0 is 10de:1c82, the mapping expects 10de:1b80/);
    const vf = resolveMapping(
      cluster,
      cluster.mappings.find((m) => m.id === 'x710-vf')!,
    );
    expect(vf.map((r) => [r.node, r.state])).toEqual([
      ['pve1', 'broken'],
      ['pve2', 'none'],
    ]);
    expect(vf[0]!.problems.join()).toMatch(/no subsystem-id/);
    expect(guide.cluster).toBeNull(); // no corosync.conf: a single node
  });

  it('creates a mapping of a pool of VFs through pvesh create, with the reverse call as undo and the file as Proxmox writes it', () => {
    const p = planChanges(cluster, [
      { ...map('vf-pool', '04:02.2', '04:02.3', 'pve2/41:02.0'), description: 'spare VFs' } as Intent,
    ]);
    expect(errors(p)).toBe('');
    const step = p.steps.find((s) => s.kind === 'command')!;
    expect(step).toMatchObject({
      argv: [
        'pvesh',
        'create',
        '/cluster/mapping/pci',
        '--id',
        'vf-pool',
        '--map',
        'id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
        '--map',
        'id=8086:154c,iommugroup=43,node=pve1,path=0000:04:02.3,subsystem-id=8086:0000',
        '--map',
        'id=8086:154c,iommugroup=50,node=pve2,path=0000:41:02.0,subsystem-id=8086:0000',
        '--description',
        'spare VFs',
      ],
      undoFirst: ['pvesh', 'delete', '/cluster/mapping/pci/vf-pool'],
    });
    expect(cfg(p)?.writer).toBe('command');
    expect(
      cfg(p)?.after?.endsWith(
        'vf-pool\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000\n\tmap id=8086:154c,iommugroup=43,node=pve1,path=0000:04:02.3,subsystem-id=8086:0000\n\tmap id=8086:154c,iommugroup=50,node=pve2,path=0000:41:02.0,subsystem-id=8086:0000\n\tdescription spare VFs\n\n',
      ),
    ).toBe(true);
  });

  it('offers the matching devices of a node the mapping does not name yet', () => {
    const p = planChanges(cluster, [map('nic', '03:00.0')]);
    expect(warnings(p)).toMatch(
      /no device on pve2, which has 2 of this kind \(pve2\/21:00.0, pve2\/21:00.1\).*--mapping nic=pve2\/21:00.0\+pve2\/21:00.1/,
    );
    const both = planChanges(cluster, [map('nic', '03:00.0', 'pve2/21:00.0')]);
    expect(warnings(both)).not.toMatch(/no device on pve2/);
  });

  it('extends the hand-made mapping with pvesh set (whole map list), completes its entry so Proxmox accepts it, leaves VM 104 on it', () => {
    const p = planChanges(guide, [map('x710-vf', '04:02.2')]);
    expect(errors(p)).toBe('');
    expect(commands(p)).toEqual([
      'pvesh set /cluster/mapping/pci/x710-vf --map id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000 --map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
    ]);
    const step = p.steps.find((s) => s.kind === 'command');
    expect(step?.kind === 'command' && step.undoFirst).toEqual([
      'pvesh',
      'set',
      '/cluster/mapping/pci/x710-vf',
      '--map',
      'id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1',
    ]);
    expect(warnings(p)).toMatch(/existing entry for pve1\/0000:04:02.1 gets subsystem-id=8086:0000/);
    const after = parseSections(cfg(p)!.after!);
    expect(after[0]).toMatchObject({
      id: 'x710-vf',
      props: [['description', 'X710 virtual functions for backup VMs']],
    });
    // VM 104's config is not touched; the mapping it names still exists and now resolves here.
    expect(p.edits.map((e) => e.path)).toEqual(['etc/pve/mapping/pci.cfg']);
    // Asking for the device already in it fills in what its entry lacks (check's fix), and nothing more.
    const again = planChanges(guide, [map('x710-vf', '04:02.1')]);
    expect(again.steps.map((st) => (st.kind === 'command' ? st.argv.join(' ') : st.kind))).toEqual([
      'pvesh set /cluster/mapping/pci/x710-vf --map id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000',
    ]);
    const filled = { ...guide, files: { ...guide.files, 'etc/pve/mapping/pci.cfg': cfg(again)!.after! } };
    expect(planChanges(filled, [map('x710-vf', '04:02.1')]).steps).toEqual([]);
    // A description for a mapping that exists is not changed here, and the plan says so.
    expect(warnings(planChanges(guide, [{ ...map('x710-vf', '04:02.2'), description: 'other' } as Intent]))).toMatch(
      /its description is kept as it is/,
    );
  });

  it('refuses: a bad name, a device that is not there, an unknown node, another kind of device, a bridge', () => {
    expect(errors(planChanges(cluster, [map('9vf', '04:02.2')]))).toMatch(/'9vf' is not a valid mapping name/);
    expect(errors(planChanges(cluster, [map('x', '04:02.2')]))).toMatch(/'x' is not a valid mapping name/);
    expect(errors(planChanges(cluster, [map('vfs', '0000:99:00.0')]))).toMatch(
      /no PCI device 0000:99:00.0 on node pve1/,
    );
    expect(errors(planChanges(cluster, [map('vfs', 'pve2/99:00.0')]))).toMatch(
      /no PCI device 0000:99:00.0 on node pve2/,
    );
    expect(errors(planChanges(cluster, [map('vfs', 'pve3/04:02.0')]))).toMatch(
      /node pve3 is not in this cluster \(pve1, pve2\)/,
    );
    expect(errors(planChanges(guide, [map('vfs', 'pve2/04:02.0')]))).toMatch(/this node is not in a cluster/);
    expect(errors(planChanges(cluster, [map('mixed', '03:00.0', '07:00.0')]))).toMatch(
      /07:00.0 is 10de:1b80.*but pve1\/0000:03:00.0 is 8086:1521.*one kind of device/,
    );
    expect(errors(planChanges(cluster, [map('x710-vf', '03:00.0')]))).toMatch(
      /is 8086:1521.*but the mapping's pve1 0000:04:02.1 is 8086:154c/,
    );
    expect(errors(planChanges(cluster, [map('br', '00:01.0')]))).toMatch(/is a bridge/);
  });

  it('deletes a mapping only when no VM uses it (naming the VM), or the same plan removes that line first', () => {
    const used = planChanges(guide, [{ kind: 'unmap', name: 'x710-vf' }]);
    expect(errors(used)).toMatch(/mapping x710-vf: still used by VM 104 \(backup\) hostpci0/);
    expect(used.steps).toEqual([]);
    const p = planChanges(guide, [
      { kind: 'unmap', name: 'x710-vf' },
      { kind: 'unassign', vmid: 104, slot: 'hostpci0' },
    ]);
    expect(errors(p)).toBe('');
    expect(commands(p)).toEqual(['qm set 104 --delete hostpci0', 'pvesh delete /cluster/mapping/pci/x710-vf']);
    const del = p.steps.find((s) => s.kind === 'command' && s.argv[0] === 'pvesh');
    expect(del?.kind === 'command' && del.undoFirst).toEqual([
      'pvesh',
      'create',
      '/cluster/mapping/pci',
      '--id',
      'x710-vf',
      '--map',
      'id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1',
      '--description',
      'X710 virtual functions for backup VMs',
    ]);
    expect(cfg(p)?.after).toBe('');
    expect(errors(planChanges(guide, [{ kind: 'unmap', name: 'nope' }]))).toMatch(/no mapping 'nope'/);
    const staged = planChanges(cluster, [
      { kind: 'unmap', name: 'gpu' },
      { kind: 'assign-mapping', name: 'gpu', vmid: 102, options: OPTS },
    ]);
    expect(errors(staged)).toMatch(/still used by VM 102 \(staged\)/);
  });

  it('assigns a mapping as hostpciN: mapping=NAME, created in the same plan; the mapping is written first', () => {
    const p = planChanges(cluster, [
      map('vf-pool', '04:02.2'),
      { kind: 'assign-mapping', name: 'vf-pool', vmid: 103, options: { ...OPTS, rombar: false } },
    ]);
    expect(errors(p)).toBe('');
    expect(commands(p)[0]).toMatch(/^pvesh create \/cluster\/mapping\/pci --id vf-pool /);
    expect(commands(p)[1]).toBe('qm set 103 --hostpci0 mapping=vf-pool,pcie=1,rombar=0');
    expect(p.edits.find((e) => e.path === 'etc/pve/qemu-server/103.conf')?.after).toContain(
      'hostpci0: mapping=vf-pool,pcie=1,rombar=0\n',
    );
    // Already there: nothing to do; a mapping that does not exist: refused.
    expect(
      planChanges(guide, [{ kind: 'assign-mapping', name: 'x710-vf', vmid: 104, options: { ...OPTS, pcie: false } }])
        .steps,
    ).toEqual([]);
    expect(errors(planChanges(guide, [{ kind: 'assign-mapping', name: 'nope', vmid: 103, options: OPTS }]))).toMatch(
      /no mapping 'nope'/,
    );
    // A mapping with nothing on this node: the VM could not start here.
    const remote = planChanges(cluster, [
      map('far', 'pve2/65:00.0'),
      { kind: 'assign-mapping', name: 'far', vmid: 103, options: OPTS },
    ]);
    expect(warnings(remote)).toMatch(/mapping 'far' has no device on this node \(pve1\)/);
  });

  it('an offline node or an unreadable device list is said, and its devices are refused with the reason', async () => {
    const root = copyFixture('cluster');
    dirs.push(root);
    writeFileSync(
      join(root, 'etc/pve/.members'),
      '{"nodename":"pve1","cluster":{"name":"lab"},"nodelist":{"pve1":{"id":1,"online":1},"pve2":{"id":2,"online":0}}}\n',
    );
    const off = await readAt(root);
    expect(off.cluster?.devices.pve2).toBeNull();
    expect(errors(planChanges(off, [map('nic', 'pve2/21:00.0')]))).toMatch(
      /devices of node pve2 could not be read \(node is offline/,
    );
    expect(
      resolveMapping(
        off,
        off.mappings.find((m) => m.id === 'gpu')!,
      )[1],
    ).toMatchObject({ node: 'pve2', state: 'unknown' });
    // Online but pvesh fails (no canned answer): a notice, never a throw.
    writeFileSync(
      join(root, 'etc/pve/.members'),
      '{"nodename":"pve1","nodelist":{"pve1":{"online":1},"pve2":{"online":1},"pve3":{"online":1}}}\n',
    );
    const c = await readCluster(root, createFixtureRunner(root), 'pve1');
    expect(c?.devices.pve3).toBeNull();
    expect(c?.notices.find((n) => n.where === 'pve3')?.message).toMatch(/pvesh failed/);
    // .members missing: the node list from corosync.conf.
    writeFileSync(join(root, 'etc/pve/.members'), 'not json');
    const fromCorosync = await readCluster(root, createFixtureRunner(root), 'pve1');
    expect(fromCorosync?.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2']);
    expect(fromCorosync?.notices[0]?.message).toMatch(/not valid JSON/);
  });
});
