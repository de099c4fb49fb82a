// `monitor` from the command line: the table, the documented JSON, exit 5 on an alert, the
// continuous lines, strict options, and a closed pipe ending continuous mode quietly.
import { spawn } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import type { MonitorJson } from '../../src/model/monitor/index.ts';
import { runCli } from '../helpers/cli.ts';
import { LAUNCHER } from '../helpers/pty.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

let root: string;
beforeEach(() => {
  root = copyFixture('guide');
});
afterEach(() => removeTree(root));

describe('monitor --once', () => {
  it('prints the table and exits 0 when nothing is wrong', async () => {
    const r = await runCli(['monitor', '--once', '--interval', '0.05', '--root', root]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('NAME      PCI      LINK     SPEED  RX/s');
    expect(r.stdout).toMatch(/^ {2}vf0 +04:02\.0 +up \(PF\) .* VM 100 +vlan 10 spoof on trust off link auto$/m);
    expect(r.stdout).toContain('No alerts.');
  });

  it('--json: the documented document; a management port down is an alert and exit 5', async () => {
    writeFileSync(join(root, 'sys/class/net/eno1/operstate'), 'down\n');
    const r = await runCli(['monitor', '--once', '--json', '--interval=0.05', '--root', root]);
    expect(r.code).toBe(EXIT.attention);
    expect(r.code).toBe(5);
    const doc = JSON.parse(r.stdout) as MonitorJson;
    expect(Object.keys(doc)).toEqual(['node', 'time', 'intervalSeconds', 'alerts', 'interfaces']);
    expect(doc.node).toBe('pve1');
    expect(doc.intervalSeconds).toBe(0.05);
    expect(doc.alerts).toEqual([
      {
        kind: 'management-down',
        id: 'eno1',
        message: 'eno1 link down: it carries the management address (vmbr0 192.168.1.10/24)',
      },
    ]);
    const eno1 = doc.interfaces.find((i) => i.id === 'eno1')!;
    expect(eno1).toMatchObject({
      kind: 'port',
      address: '0000:00:1f.6',
      link: 'down',
      down: true,
      speedMbps: 1000,
      management: 'vmbr0 192.168.1.10/24',
      alerts: [doc.alerts[0]!.message],
    });
    expect(eno1.counters).toEqual({
      rxBytes: 0,
      txBytes: 0,
      rxPackets: 0,
      txPackets: 0,
      rxErrors: 0,
      txErrors: 0,
      rxDropped: 0,
      txDropped: 0,
    });
    expect(eno1.ratesPerSecond!.rxBytes).toBe(0);
    const vf = doc.interfaces.find((i) => i.id === '0000:04:02.0')!;
    expect(vf).toMatchObject({
      kind: 'vf',
      pf: 'enp4s0f0',
      vf: 0,
      vms: [{ vmid: 100, running: true }],
      vfSettings: { mac: 'bc:24:11:00:01:10', vlan: 10, spoofchk: true, trust: false, linkState: 'auto' },
    });
    // No MAC set and untagged read as list --json reads them: the zero MAC and VLAN 0 (not null).
    expect(doc.interfaces.find((i) => i.pf === 'enp4s0f0' && i.vf === 1)?.vfSettings).toEqual({
      mac: '00:00:00:00:00:00',
      vlan: 0,
      spoofchk: true,
      trust: false,
      linkState: 'auto',
    });
  });
});

describe('monitor: a NIC passed whole', () => {
  it('shows "in VM <vmid>" and no counters, never zeros', async () => {
    // 08:00.1 handed to running VM 100: the host has no interface on it any more.
    rmSync(join(root, 'sys/class/net/enp8s0f1'));
    appendFileSync(join(root, 'etc/pve/qemu-server/100.conf'), 'hostpci1: 0000:08:00.1\n');
    const r = await runCli(['monitor', '--once', '--json', '--interval', '0.02', '--root', root]);
    expect(r.code).toBe(EXIT.ok);
    const doc = JSON.parse(r.stdout) as MonitorJson;
    expect(doc.interfaces.find((i) => i.address === '0000:08:00.1')).toMatchObject({
      id: '0000:08:00.1',
      kind: 'passed',
      ifname: null,
      link: 'in VM 100',
      vms: [{ vmid: 100, running: true }],
      counters: null,
      ratesPerSecond: null,
    });
    const table = await runCli(['monitor', '--once', '--interval', '0.02', '--root', root]);
    expect(table.stdout).toMatch(/^0000:08:00\.1 +08:00\.1 +in VM 100 +- +- +- +- +- +- +VM 100$/m);
  });
});

describe('monitor, continuous', () => {
  it('prints a line per interval, --count stops it, the exit code follows the last sample', async () => {
    const r = await runCli(['monitor', '--interval', '0.02', '--count', '3', '--root', root]);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines)
      expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 7 up 0 down rx 0B\/s tx 0B\/s errors 0\/s alerts 0$/);
    writeFileSync(join(root, 'sys/class/net/enp4s0f0/operstate'), 'down\n');
    const j = await runCli(['monitor', '--json', '--interval', '0.02', '--count', '2', '--root', root]);
    expect(j.code).toBe(EXIT.attention);
    const docs = j.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as MonitorJson);
    expect(docs).toHaveLength(2);
    expect(docs[1]!.alerts.map((a) => a.kind)).toEqual(['link-down', 'vf-pf-down']);
  });

  it('a closed pipe ends it quietly with exit 0', async () => {
    const child = spawn(process.execPath, [LAUNCHER, 'monitor', '--interval', '0.02', '--root', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PVE_PASSTHROUGH_TSX: '1', NO_COLOR: '1' },
    });
    let stderr = '';
    let got = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => {
      got += c;
      child.stdout.destroy(); // like head -1
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((res) =>
      child.on('close', (c, s) => res([c, s])),
    );
    expect(got).toMatch(/ alerts 0\n/);
    expect(stderr).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(0);
  }, 60_000);
});

describe('monitor options', () => {
  it.each([
    [['--interval', '0'], "--interval needs a number of seconds above 0 and at most 3600, got '0'"],
    [['--interval', 'soon'], "--interval needs a number of seconds above 0 and at most 3600, got 'soon'"],
    [['--count', '1.5'], "--count needs a whole number above 0, got '1.5'"],
    [['--once', '--count', '2'], '--count is for continuous mode'],
    [['--every', '2'], 'unknown option --every'],
  ])('%j is bad usage', async (args, message) => {
    const r = await runCli(['monitor', ...args, '--root', root]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});
