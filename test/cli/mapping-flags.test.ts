// --mapping, --unmap and --assign mapping:NAME=VMID from the command line: parsing, refusals,
// and apply + rollback on a copy of the cluster fixture (pvesh simulated on the tree: it writes
// pci.cfg as Proxmox would).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/host/apply.ts';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { STATE_DIR } from '../../src/host/state.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { readAt } from '../helpers/snapshots.ts';
import { runCli } from '../helpers/cli.ts';
import { copyFixture, FIXTURES, fingerprint, removeTree } from '../helpers/tree.ts';

const CLUSTER = join(FIXTURES, 'cluster');
const plan = async (...args: string[]) => {
  const r = await runCli(['plan', '--root', CLUSTER, ...args, '--json']);
  return { code: r.code, stderr: r.stderr, json: r.stdout ? JSON.parse(r.stdout) : null };
};
const argvs = (j: { steps: Array<{ kind: string; argv?: string[] }> }) =>
  j.steps.filter((s) => s.kind === 'command').map((s) => s.argv!.join(' '));

describe('mapping flags', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeTree));

  it('--mapping NAME=ADDR+NODE/ADDR: local and remote devices; a slot is each function in it; description', async () => {
    const r = await plan('--mapping', 'nic=03:00+pve2/21:00.0,description=I350 ports');
    expect(r.code).toBe(0);
    expect(argvs(r.json)).toEqual([
      'pvesh create /cluster/mapping/pci --id nic --map id=8086:1521,iommugroup=14,node=pve1,path=0000:03:00.0,subsystem-id=8086:0001 --map id=8086:1521,iommugroup=14,node=pve1,path=0000:03:00.1,subsystem-id=8086:0001 --map id=8086:1521,iommugroup=30,node=pve2,path=0000:21:00.0,subsystem-id=8086:0001 --description I350 ports',
    ]);
  });

  it('--unmap NAME and --assign mapping:NAME=VMID[,opts]', async () => {
    const r = await plan('--unmap', 'gpu', '--mapping', 'vfs=04:02.2', '--assign', 'mapping:vfs=103,x-vga=0,rombar=0');
    expect(r.code).toBe(0);
    expect(argvs(r.json)).toEqual([
      'pvesh create /cluster/mapping/pci --id vfs --map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
      'qm set 103 --hostpci0 mapping=vfs,pcie=1,rombar=0',
      'pvesh delete /cluster/mapping/pci/gpu',
    ]);
  });

  it('list --json: the cluster and, per mapping and node, whether it resolves and why not', async () => {
    const j = JSON.parse((await runCli(['list', '--root', CLUSTER, '--json'])).stdout);
    expect(j.cluster.nodes.map((n: { name: string }) => n.name)).toEqual(['pve1', 'pve2']);
    const gpu = j.mappings.find((m: { id: string }) => m.id === 'gpu');
    expect(gpu.nodes).toEqual([
      { node: 'pve1', state: 'ok', devices: ['0000:07:00.0'], problems: [] },
      {
        node: 'pve2',
        state: 'broken',
        devices: [],
        problems: ['0000:65:00.0 is 10de:1c82, the mapping expects 10de:1b80'],
      },
    ]);
    const single = JSON.parse((await runCli(['list', '--root', join(FIXTURES, 'guide'), '--json'])).stdout);
    expect(single.cluster).toBeNull();
    expect(single.mappings[0].nodes.map((n: { node: string }) => n.node)).toEqual(['pve1']);
  });

  it('bad usage exits 2 with the expected form; a blocked plan exits 3 and names the VM', async () => {
    for (const [args, msg] of [
      [['--mapping', 'nic'], /expected NAME=ADDR\[\+ADDR\.\.\.\]/],
      [['--mapping', 'nic='], /expected NAME=ADDR/],
      [['--mapping', 'nic=zz:00.0'], /'zz:00.0' is not a PCI address/],
      [['--mapping', 'nic=bad_node!/03:00.0'], /is not a node name/],
      [['--unmap', 'a=b'], /expected the name of a mapping/],
      [['--assign', 'mapping:vfs'], /expected mapping:NAME=VMID/],
      [['--assign', 'mapping:vfs=103,all-functions=1'], /unknown option 'all-functions' for a mapping/],
    ] as Array<[string[], RegExp]>) {
      const r = await runCli(['plan', '--root', CLUSTER, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const used = await runCli(['plan', '--root', join(FIXTURES, 'guide'), '--unmap', 'x710-vf'], { NO_COLOR: '1' });
    expect(used.code).toBe(3);
    expect(used.stdout).toMatch(/error: mapping x710-vf: still used by VM 104 \(backup\) hostpci0/);
  });

  it('--unmap is refused while a VM on another cluster node names the mapping, naming node and VM', async () => {
    // The cluster fixture: pve2's VM 201 uses x710-vf as VM 104 does here.
    const both = await runCli(['plan', '--root', CLUSTER, '--unmap', 'x710-vf'], { NO_COLOR: '1' });
    expect(both.code).toBe(3);
    expect(both.stdout).toContain(
      'error: mapping x710-vf: still used by VM 104 (backup) hostpci0, VM 201 (backup2) hostpci0 on node pve2: remove those lines first',
    );
    // Removing this node's line is not enough: pve2's VM still names it.
    const local = await runCli([
      'plan',
      '--root',
      CLUSTER,
      '--unassign',
      '104:hostpci0',
      '--unmap',
      'x710-vf',
      '--json',
    ]);
    expect(JSON.parse(local.stdout).errors.map((e: { message: string }) => e.message)).toEqual([
      'still used by VM 201 (backup2) hostpci0 on node pve2: remove that line first (the VM would not start without the mapping)',
    ]);
    // gpu: used only on pve2 once a VM there names it.
    const root = copyFixture('cluster');
    dirs.push(root);
    expect(argvs((await plan('--unmap', 'gpu')).json)).toEqual(['pvesh delete /cluster/mapping/pci/gpu']);
    writeFileSync(join(root, 'etc/pve/nodes/pve2/qemu-server/202.conf'), 'name: gpuvm\nhostpci0: mapping=gpu\n');
    const refused = await runCli(['plan', '--root', root, '--unmap', 'gpu'], { NO_COLOR: '1' });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('error: mapping gpu: still used by VM 202 (gpuvm) hostpci0 on node pve2');
  });

  it('apply writes pci.cfg through pvesh (simulated) exactly as planned; rollback puts the tree back', async () => {
    const root = copyFixture('cluster');
    dirs.push(root);
    const before = fingerprint(root, [STATE_DIR]);
    const changes = [
      '--mapping',
      'x710-vf=04:02.2+pve2/41:02.0',
      '--mapping',
      'nic=03:00.0',
      '--assign',
      'mapping:x710-vf=103',
    ];
    const p = JSON.parse((await runCli(['plan', '--root', root, ...changes, '--json'])).stdout);
    const predicted = p.edits.find((e: { path: string }) => e.path === 'etc/pve/mapping/pci.cfg').after;
    const r = await runCli(['apply', '--root', root, ...changes, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(root, 'etc/pve/mapping/pci.cfg'), 'utf8')).toBe(predicted);
    expect(readFileSync(join(root, 'etc/pve/qemu-server/103.conf'), 'utf8')).toContain(
      'hostpci0: mapping=x710-vf,pcie=1',
    );
    // Planned again: nothing left to do.
    expect((await runCli(['plan', '--root', root, ...changes], { NO_COLOR: '1' })).stdout).toBe(
      'Nothing to do: the host already matches what was asked.\n',
    );
    // The mapping now resolves on both nodes.
    const list = (await runCli(['list', '--root', root], { NO_COLOR: '1' })).stdout;
    expect(list).toMatch(
      /x710-vf .*\n {4}pve1: resolves \(0000:04:02.1, 0000:04:02.2\)\n {4}pve2: resolves \(0000:41:02.0\); 3 more of this kind there/,
    );
    const rb = await runCli(['rollback', '--root', root]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('on the guide host, whose hand-made x710-vf VM 104 uses: extended by apply, VM 104 untouched, the mapping now resolves', async () => {
    const root = copyFixture('guide');
    dirs.push(root);
    const vm104 = readFileSync(join(root, 'etc/pve/qemu-server/104.conf'), 'utf8');
    expect((await runCli(['list', '--root', root], { NO_COLOR: '1' })).stdout).toMatch(
      /pve1: does NOT resolve \(the entry for 0000:04:02.1 has no subsystem-id/,
    );
    const r = await runCli(['apply', '--root', root, '--mapping', 'x710-vf=04:02.2', '--yes'], { NO_COLOR: '1' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(root, 'etc/pve/qemu-server/104.conf'), 'utf8')).toBe(vm104);
    expect((await runCli(['list', '--root', root], { NO_COLOR: '1' })).stdout).toMatch(
      /x710-vf .*\n {4}pve1: resolves \(0000:04:02.1, 0000:04:02.2\)/,
    );
    const check = await runCli(['check', '--root', root, '--json']);
    expect(JSON.parse(check.stdout).findings.filter((f: { where: string }) => f.where.startsWith('VM 104'))).toEqual(
      [],
    );
  });

  it("check's fix for the guide's x710-vf works: --mapping with the device already in it fills in the entry", async () => {
    const root = copyFixture('guide');
    dirs.push(root);
    const before = await runCli(['check', '--root', root], { NO_COLOR: '1' });
    expect(before.stdout).toContain('fix: pve-passthrough apply --mapping x710-vf=04:02.1 fills it in');
    const r = await runCli(['apply', '--root', root, '--mapping', 'x710-vf=04:02.1', '--yes'], { NO_COLOR: '1' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(root, 'etc/pve/mapping/pci.cfg'), 'utf8')).toBe(
      'x710-vf\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000\n\tdescription X710 virtual functions for backup VMs\n\n',
    );
    const after = await runCli(['check', '--root', root, '--json']);
    expect(JSON.parse(after.stdout).findings).toEqual([]);
  });

  it('a pvesh that fails part-way is undone: the calls before it are reversed by pvesh, the file put back', async () => {
    const root = copyFixture('cluster');
    dirs.push(root);
    const before = fingerprint(root, [STATE_DIR]);
    const snap = await readAt(root);
    const plan = planChanges(snap, [
      { kind: 'mapping', name: 'nic', devices: [{ node: null, address: '0000:03:00.0' }] },
      { kind: 'mapping', name: 'x710-vf', devices: [{ node: null, address: '0000:04:02.2' }] },
    ]);
    const failing = plan.steps.flatMap((s) => (s.kind === 'command' && s.argv[1] === 'set' ? [s.argv.join(' ')] : []));
    expect(failing).toHaveLength(1);
    const sim = createFixtureRunner(root);
    // The set fails as Proxmox would when the file changed under it; everything else is simulated.
    const runner = {
      run: (argv: readonly string[]) => {
        if (argv.join(' ') !== failing[0]) return sim.run(argv);
        sim.calls.push([...argv]);
        return Promise.resolve({
          argv: [...argv],
          exitCode: 255,
          stdout: '',
          stderr: 'update hardware mapping failed: got lock timeout\n',
        });
      },
    };
    const r = await applyPlan(plan, { root, runner, uid: 0 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Step 2 of 2 failed: pvesh set \/cluster\/mapping\/pci\/x710-vf/);
    // Both calls reversed through Proxmox's writer, last first (the failed set's reverse puts the
    // old map list back), before the file is compared with its backup.
    expect(sim.calls.map((c) => c.join(' '))).toEqual([
      'pvesh create /cluster/mapping/pci --id nic --map id=8086:1521,iommugroup=14,node=pve1,path=0000:03:00.0,subsystem-id=8086:0001',
      failing[0],
      'pvesh set /cluster/mapping/pci/x710-vf --map id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1',
      'pvesh delete /cluster/mapping/pci/nic',
    ]);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });
});
