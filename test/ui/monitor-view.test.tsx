// The Monitor view (m) on the guide host: the sampler reads the fixture copy, whose counter and
// link files the test rewrites between samples (a test clock, so rates are exact); snapshots at
// 80x24 and 200x60, the ASCII look, the keys, and the alerts in the status line elsewhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { monitorTargets, takeSample } from '../../src/host/monitor-sampler.ts';
import { monitorStore, sampleOnce } from '../../src/store/monitor.ts';
import { renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';
import { removeTree } from '../helpers/tree.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;
let h: Harness | null = null;
let clock = 0;
afterEach(() => {
  h?.unmount();
  if (h) removeTree(h.root);
  h = null;
});

async function open(
  size: { columns: number; rows: number },
  o: { colour?: boolean; ascii?: boolean } = {},
): Promise<Harness> {
  clock = 0;
  const x = await renderFixture('guide', {
    ...size,
    ...o,
    // One sample at start (the app's timer), the rest when the test says: nothing depends on time.
    monitor: (root, runner) => ({
      targets: monitorTargets,
      sample: (t) => takeSample(root, runner, t, { now: () => clock }),
      intervalS: 3600,
    }),
  });
  const m = monitorStore(x.store);
  for (let i = 0; i < 300 && m.getState().state?.samples !== 1; i++) await new Promise((r) => setTimeout(r, 10));
  expect(m.getState().state?.samples).toBe(1);
  // The timer is armed for an hour already; the view shows the program's default from here on.
  m.setState({ intervalS: 1 });
  return x;
}

/** Traffic on three ports over three more samples; eno1 (management) goes down, errors on enp3s0f1. */
async function traffic(x: Harness) {
  const put = (ifname: string, file: string, v: number | string) =>
    writeFileSync(join(x.root, 'sys/class/net', ifname, file), `${v}\n`);
  const steps: Array<[number, number, number]> = [
    [10_000_000, 2_000_000, 300],
    [25_000_000, 3_000_000, 900],
    [32_000_000, 9_000_000, 1200],
  ];
  for (const [rx, tx, pkts] of steps) {
    clock += 1000;
    put('enp4s0f0', 'statistics/rx_bytes', rx);
    put('enp4s0f0', 'statistics/tx_bytes', tx);
    put('enp4s0f0', 'statistics/rx_packets', pkts);
    put('enp3s0f0', 'statistics/rx_bytes', rx / 10);
    if (rx === 32_000_000) {
      put('eno1', 'operstate', 'down');
      put('enp3s0f1', 'statistics/rx_errors', 4);
    }
    await sampleOnce(x.store);
  }
}

describe('Monitor view', () => {
  it('80x24: alerts on top, a row per NIC and VF with rates and a sparkline; Esc goes back and the alert stays in the status line', async () => {
    h = await open({ columns: 80, rows: 24 });
    await traffic(h);
    await h.press('m');
    const f = await h.waitFor((x) => x.includes('Monitor  11 network functions'), 'the monitor view');
    expect(f.split('\n')).toHaveLength(24);
    expect(f).toContain('eno1 link down: it carries the management address (vmbr0 192.168.1.10/24)');
    expect(f).toContain('enp3s0f1: rx_errors +4 in 1.0 s');
    // 7 MB in one second on the X710 port, and its VF of running VM 100 under it.
    expect(f).toMatch(/ enp4s0f0 +up +10G +7\.0MB\/s +6\.0MB\/s +0 +host +\S+/);
    expect(f).toMatch(/ {3}vf0 +up \(PF\) +- +0B\/s +0B\/s +0 +VM 100/);
    await expect(f).toMatchFileSnapshot(SNAP('monitor-80x24'));
    await h.press(KEY.ESC);
    const tree = await h.waitFor((x) => !x.includes('Monitor  11'), 'the tree');
    expect(tree.split('\n')[0]).toContain('2 alerts (m)');
    await h.press('p');
    expect(h.frame().split('\n')[0]).toContain('2 alerts (m)');
  });

  it('200x60: every counter, PCI addresses and the VF settings', async () => {
    h = await open({ columns: 200, rows: 60 });
    await traffic(h);
    await h.press('m');
    const f = await h.waitFor((x) => x.includes('VF SETTINGS'), 'the wide monitor view');
    expect(f).toMatch(/ {3}vf0 +04:02\.0 +up \(PF\) .* VM 100 +vlan 10 spoof on trust off link auto/);
    expect(f).toContain('VM 104 (off)');
    await expect(f).toMatchFileSnapshot(SNAP('monitor-200x60'));
  });

  it('ASCII and no colour: the sparkline and the alert mark fall back', async () => {
    h = await open({ columns: 80, rows: 24 }, { colour: false, ascii: true });
    await traffic(h);
    await h.press('m');
    const f = await h.waitFor((x) => x.includes('Monitor  11'), 'the monitor view');
    expect(f).not.toMatch(/[▁▂▃▄▅▆▇█⚠]/);
    expect(h.raw()).not.toMatch(/\x1b\[3\dm/);
    await expect(f).toMatchFileSnapshot(SNAP('monitor-ascii-80x24'));
  });

  it('scrolls when the rows do not fit, q goes back without quitting', async () => {
    h = await open({ columns: 80, rows: 16 });
    await traffic(h); // two alert lines take room from the table
    await h.press('m');
    await h.waitFor((x) => x.includes('Monitor  11'), 'the monitor view');
    const firstRow = /^ eno1 +down/m;
    expect(h.frame()).toMatch(firstRow);
    await h.press('G');
    const end = h.frame();
    expect(end).not.toMatch(firstRow);
    expect(end).toMatch(/^ enp8s0f1 /m);
    await h.press('g');
    expect(h.frame()).toMatch(firstRow);
    await h.press('q');
    expect(h.store.getState().pane).toBe('tree');
    expect(h.store.getState().exiting).toBe(false);
  });

  it('+ and - change the interval the next sample is armed with', async () => {
    h = await open({ columns: 80, rows: 24 });
    await h.press('m', '+', '+');
    expect(monitorStore(h.store).getState().intervalS).toBe(5);
    await h.press('-');
    expect(h.frame()).toContain('every 2 s');
    await h.press('-', '-');
    expect(monitorStore(h.store).getState().intervalS).toBe(1); // the first step is the floor
    await h.press('+', '+', '+', '+', '+', '+');
    expect(monitorStore(h.store).getState().intervalS).toBe(60); // and the last the ceiling
  });

  it('without a sampler the view says so', async () => {
    h = await renderFixture('guide');
    await h.press('m');
    expect(h.frame()).toContain('Monitor: not available here');
  });
});
