// The sampler on a copy of the guide host: counter files rewritten between samples give the
// rates; link files rewritten give the alerts; the recorded `ip -j` answer gives the VF rows.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import { RecordingRunner, type CommandRunner } from '../../src/host/runner.ts';
import { monitorTargets, takeSample } from '../../src/host/monitor-sampler.ts';
import {
  advanceMonitor,
  initialMonitor,
  type MonitorState,
  type MonitorTarget,
} from '../../src/model/monitor/index.ts';
import { generateLarge } from '../../scripts/gen-large-fixture.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

let root: string;
let runner: CommandRunner;
let targets: MonitorTarget[];
let clock = 0;
const now = () => clock;

const net = (ifname: string, file: string, value: string | number) =>
  writeFileSync(join(root, 'sys/class/net', ifname, file), `${value}\n`);

async function step(st: MonitorState, seconds = 1): Promise<MonitorState> {
  clock += seconds * 1000;
  return advanceMonitor(st, await takeSample(root, runner, targets, { now }));
}

beforeEach(async () => {
  root = copyFixture('guide');
  const h = openHost({ root });
  runner = h.runner;
  targets = monitorTargets(await readHost(h.root, h.runner));
  clock = 0;
});
afterEach(() => removeTree(root));

describe('monitor sampler on the guide host', () => {
  it('watches every host NIC, the X710 VFs with their VMs, and marks the management port', () => {
    const ids = targets.map((t) => `${t.kind} ${t.id}`);
    expect(ids).toEqual([
      'port eno1',
      'port enp3s0f0',
      'port enp3s0f1',
      'port enp4s0f0',
      'vf 0000:04:02.0',
      'vf 0000:04:02.1',
      'vf 0000:04:02.2',
      'vf 0000:04:02.3',
      'port enp4s0f1',
      'port enp8s0f0',
      'port enp8s0f1',
    ]);
    expect(targets.find((t) => t.id === 'eno1')!.management).toBe('vmbr0 192.168.1.10/24');
    const pf = targets.find((t) => t.id === 'enp4s0f0')!;
    expect(pf.runningVfVms).toEqual([100]);
    expect(targets.find((t) => t.id === '0000:04:02.1')!.vms).toEqual([{ vmid: 104, running: false }]);
  });

  it('gives rates per second from counters rewritten between samples', async () => {
    net('enp3s0f0', 'statistics/rx_bytes', 1_000_000);
    net('enp3s0f0', 'statistics/tx_packets', 50);
    let st = await step(initialMonitor(targets));
    const first = st.rows.find((r) => r.target.id === 'enp3s0f0')!;
    expect(first.rates).toBeNull(); // one sample: no rate yet
    expect(first.counters!.rxBytes).toBe(1_000_000);
    net('enp3s0f0', 'statistics/rx_bytes', 3_000_000);
    net('enp3s0f0', 'statistics/tx_packets', 250);
    st = await step(st, 2);
    const row = st.rows.find((r) => r.target.id === 'enp3s0f0')!;
    expect(row.rates!.rxBytes).toBe(1_000_000);
    expect(row.rates!.txPackets).toBe(100);
    expect(row.history).toEqual([1_000_000]);
    expect(row.link).toBe('up');
    expect(row.speedMbps).toBe(1000);
    expect(st.alerts).toEqual([]);
    // A counter that goes back (driver reload) is no rate, not a huge negative one.
    net('enp3s0f0', 'statistics/rx_bytes', 10);
    st = await step(st);
    expect(st.rows.find((r) => r.target.id === 'enp3s0f0')!.rates!.rxBytes).toBeNull();
  });

  it('reads the VF settings from the recorded ip -j answer', async () => {
    const st = await step(initialMonitor(targets));
    const vf0 = st.rows.find((r) => r.target.id === '0000:04:02.0')!;
    expect(vf0.vf).toMatchObject({
      vf: 0,
      mac: 'bc:24:11:00:01:10',
      vlan: 10,
      spoofchk: true,
      trust: false,
      linkState: 'auto',
    });
    expect(vf0.link).toBe('up (PF)');
    expect((runner as RecordingRunner).calls).toContainEqual(['ip', '-s', '-d', '-j', 'link', 'show', 'enp4s0f0']);
  });

  it('VF counters from ip give rates too', async () => {
    let rx = 0;
    const base = runner as RecordingRunner;
    const canned = JSON.parse((await base.run(['ip', '-s', '-d', '-j', 'link', 'show', 'enp4s0f0'])).stdout);
    runner = new RecordingRunner({
      ip: () => {
        canned[0].vfinfo_list[0].stats.rx.bytes = rx;
        return { stdout: JSON.stringify(canned) };
      },
    });
    let st = await step(initialMonitor(targets));
    rx = 5000;
    st = await step(st);
    expect(st.rows.find((r) => r.target.id === '0000:04:02.0')!.rates!.rxBytes).toBe(5000);
  });

  it('above a few PFs with VFs, one ip call lists every link', async () => {
    const canned = (await (runner as RecordingRunner).run(['ip', '-s', '-d', '-j', 'link', 'show', 'enp4s0f0'])).stdout;
    const dump = new RecordingRunner({ 'ip -s -d -j link show': { stdout: canned } });
    runner = dump;
    const sample = await takeSample(root, runner, targets, { now, perPfUpTo: 0 });
    expect(dump.calls).toEqual([['ip', '-s', '-d', '-j', 'link', 'show']]);
    expect(sample.vfs.enp4s0f0).toHaveLength(4);
    // A PF the dump does not list is said so.
    const other = await takeSample(root, new RecordingRunner({ ip: { stdout: '[{"ifname":"eno1"}]' } }), targets, {
      now,
      perPfUpTo: 0,
    });
    expect(other.vfs.enp4s0f0).toEqual({ error: 'ip listed no enp4s0f0' });
  });

  it('alerts when the management port goes down', async () => {
    let st = await step(initialMonitor(targets));
    net('eno1', 'operstate', 'down');
    st = await step(st);
    expect(st.alerts.map((a) => `${a.kind} ${a.id}`)).toEqual(['management-down eno1']);
    expect(st.alerts[0]!.message).toContain('vmbr0 192.168.1.10/24');
  });

  it('alerts for a PF whose VFs a running VM uses, and for that VF (not for the stopped VM)', async () => {
    let st = await step(initialMonitor(targets));
    net('enp4s0f0', 'operstate', 'down');
    st = await step(st);
    expect(st.alerts.map((a) => `${a.kind} ${a.id}`)).toEqual(['link-down enp4s0f0', 'vf-pf-down 0000:04:02.0']);
    expect(st.rows.find((r) => r.target.id === '0000:04:02.1')!.link).toBe('down (PF)');
    // A down port nobody depends on is shown, not alerted.
    net('enp4s0f0', 'operstate', 'up');
    net('enp8s0f1', 'operstate', 'down');
    st = await step(st);
    expect(st.alerts).toEqual([]);
    expect(st.rows.find((r) => r.target.id === 'enp8s0f1')!.down).toBe(true);
  });

  it('alerts when error or drop counters rise, and stops once they stand still', async () => {
    let st = await step(initialMonitor(targets));
    net('enp3s0f1', 'statistics/rx_errors', 7);
    net('enp3s0f1', 'statistics/tx_dropped', 2);
    st = await step(st);
    expect(st.alerts).toEqual([
      { kind: 'errors-rising', id: 'enp3s0f1', message: 'enp3s0f1: rx_errors +7, tx_dropped +2 in 1.0 s' },
    ]);
    st = await step(st);
    expect(st.alerts).toEqual([]);
  });

  it('a vanished interface and an unreadable counter are states, not crashes', async () => {
    let st = await step(initialMonitor(targets));
    rmSync(join(root, 'sys/class/net/enp4s0f0'));
    rmSync(join(root, 'sys/class/net/enp3s0f0/statistics/tx_bytes'));
    st = await step(st);
    const gone = st.rows.find((r) => r.target.id === 'enp4s0f0')!;
    expect(gone.link).toBe('vanished');
    expect(gone.down).toBe(true);
    expect(st.alerts.map((a) => a.kind)).toContain('link-down');
    const partial = st.rows.find((r) => r.target.id === 'enp3s0f0')!;
    expect(partial.note).toBe('unreadable: tx_bytes');
    expect(partial.rates!.txBytes).toBeNull();
    expect(partial.rates!.rxBytes).toBe(0);
    expect(partial.history.at(-1)).toBeNull();
  });

  it('ip failing is said once, on the PF; its VFs show no settings and no counters, their link still follows the PF', async () => {
    runner = new RecordingRunner({ ip: { exitCode: 1, stderr: 'Device "enp4s0f0" does not exist.\n' } });
    const st = await step(initialMonitor(targets));
    expect(st.rows.find((r) => r.target.id === 'enp4s0f0')!.note).toBe(
      'VF settings: ip failed (exit 1): Device "enp4s0f0" does not exist.',
    );
    const vf = st.rows.find((r) => r.target.id === '0000:04:02.0')!;
    expect(vf).toMatchObject({ note: null, vf: null, counters: null, link: 'up (PF)' });
  });
});

describe('monitor sampler on a 400-function host', () => {
  it('hands the event loop back while it reads (a key pressed meanwhile is handled before the sample ends)', async () => {
    const dir = tempDir('pvept-monitor-large-');
    try {
      generateLarge(join(dir, 'large'), 400, 60);
      const h = openHost({ root: join(dir, 'large') });
      const t = monitorTargets(await readHost(h.root, h.runner));
      const order: string[] = [];
      const sampling = takeSample(h.root, h.runner, t).then((s) => {
        order.push('sample');
        return s;
      });
      setImmediate(() => order.push('key'));
      const s = await sampling;
      expect(Object.keys(s.links).length).toBeGreaterThan(32); // more than one batch
      expect(order).toEqual(['key', 'sample']);
    } finally {
      removeTree(dir);
    }
  });
});
