// --vf PF/N=KEY=VALUE[,...]: strict parsing (usage errors, exit 2), the planner's refusals (exit 3),
// on the node configured by hand (test/fixtures/by-hand, recorded ip -j output).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.ts';
import { INTENT_VALUES, intentsFromArgs } from '../../src/cli/intent-flags.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { FIXTURES } from '../helpers/tree.ts';

const HAND = join(FIXTURES, 'by-hand');
let snap: HostSnapshot;
beforeAll(async () => {
  snap = await fixtureSnapshot('by-hand');
});
const intents = (...argv: string[]) =>
  intentsFromArgs(parseArgs(argv, { flags: ['force'], values: [], repeatable: INTENT_VALUES }), snap);
const usage = (v: string) => {
  try {
    intents('--vf', v);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`--vf ${v} was accepted`);
};

describe('--vf parsing', () => {
  it('each key, in any order, into one intent (keys in one order)', () => {
    expect(
      intents('--vf', '03:00.0/2=state=disable,spoofchk=off,trust=on,qos=3,vlan=10,mac=02:AA:bb:00:00:01'),
    ).toEqual([
      {
        kind: 'vf-settings',
        address: '0000:03:00.0',
        vf: 2,
        settings: { mac: '02:aa:bb:00:00:01', vlan: 10, qos: 3, trust: true, spoofchk: false, state: 'disable' },
      },
    ]);
    expect(intents('--vf', '0000:03:00.1/0=trust=1', '--vf', '03:00.1/1=spoofchk=no,state=enable')).toEqual([
      { kind: 'vf-settings', address: '0000:03:00.1', vf: 0, settings: { trust: true } },
      { kind: 'vf-settings', address: '0000:03:00.1', vf: 1, settings: { spoofchk: false, state: 'enable' } },
    ]);
  });

  it('mac=auto takes the offered locally administered MAC, skipping one staged before it', () => {
    expect(intents('--vf', '03:00.1/1=mac=auto')).toEqual([
      { kind: 'vf-settings', address: '0000:03:00.1', vf: 1, settings: { mac: '02:03:01:00:00:01' } },
    ]);
    const two = intents('--vf', '03:00.0/2=mac=02:03:00:00:00:01', '--vf', '03:00.0/1=mac=auto');
    expect(two[1]).toMatchObject({ settings: { mac: '02:03:00:01:00:01' } });
  });

  it('bad input is a usage error that says what is wrong', () => {
    expect(usage('03:00.0=trust=on')).toMatch(/expected PF\/N=KEY=VALUE/);
    expect(usage('03:00.0/0=')).toMatch(/no setting after '='/);
    expect(usage('zz/0=trust=on')).toMatch(/'zz' is not a PCI address/);
    expect(usage('03:00/0=trust=on')).toMatch(/0000:03:00 is a slot with 2 functions .* e\.g\. 03:00\.0/);
    expect(usage('03:00.0/0=colour=red')).toMatch(
      /unknown setting 'colour' \(mac, vlan, qos, trust, spoofchk, state\)/,
    );
    expect(usage('03:00.0/0=vlan=10,vlan=20')).toMatch(/vlan given twice/);
    expect(usage('03:00.0/0=vlan=')).toMatch(/vlan has no value/);
    expect(usage('03:00.0/0=vlan=ten')).toMatch(/vlan must be a whole number/);
    expect(usage('03:00.0/0=qos=-1')).toMatch(/qos must be a whole number/);
    expect(usage('03:00.0/0=trust=maybe')).toMatch(/trust must be on or off, got 'maybe'/);
    expect(usage('03:00.0/0=state=up')).toMatch(/state must be auto, enable, disable, got 'up'/);
    expect(usage('03:00.0/0=mac=02:00:00:00:01')).toMatch(/is not a MAC address/);
  });
});

describe('plan --vf', () => {
  it('prints the live step and the rule line; exit 0', async () => {
    const r = await runCli(['plan', '--root', HAND, '--vf', '03:00.0/1=mac=02:03:00:00:00:01,vlan=10,trust=on'], {
      NO_COLOR: '1',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ip link set enp3s0f0 vf 1 mac 02:03:00:00:00:01 vlan 10 qos 0 trust on');
    expect(r.stdout).toContain(
      'ATTR{sriov_numvfs}="4", RUN+="/bin/ip link set dev enp3s0f0 vf 1 mac 02:03:00:00:00:01 vlan 10 qos 0 trust on"',
    );
  });

  it.each([
    ['03:00.0/0=mac=68:05:ca:1d:22:7e', 'MAC 68:05:ca:1d:22:7e is already used by interface eno1'],
    ['03:00.0/0=vlan=5000', 'VLAN 5000 out of range: 0..4095'],
    ['03:00.0/7=trust=on', 'out of range: 0000:03:00.0 has 4 VFs (0..3)'],
    ['04:00.0/0=trust=on', 'has no SR-IOV capability'],
  ])('--vf %s is refused by the plan: exit 3', async (v, msg) => {
    const r = await runCli(['plan', '--root', HAND, '--vf', v], { NO_COLOR: '1' });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(msg);
  });

  it('a usage error exits 2 before reading anything else', async () => {
    const r = await runCli(['plan', '--root', HAND, '--vf', '03:00.0/0=trust=maybe'], { NO_COLOR: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--vf 03:00.0/0=trust=maybe: trust must be on or off, got 'maybe'");
  });

  it('--json carries the command step with its undo', async () => {
    const r = await runCli(['plan', '--root', HAND, '--json', '--vf', '03:00.0/0=spoofchk=off'], {});
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { steps: Array<{ kind: string; argv?: string[]; undoFirst?: string[] }> };
    expect(plan.steps.find((s) => s.kind === 'command')).toMatchObject({
      argv: ['ip', 'link', 'set', 'enp3s0f0', 'vf', '0', 'spoofchk', 'off'],
      undoFirst: ['ip', 'link', 'set', 'enp3s0f0', 'vf', '0', 'spoofchk', 'on'],
    });
  });
});
