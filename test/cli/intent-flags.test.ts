// Addresses on the command line mean what they mean in a Proxmox hostpci line: with '.N' one
// function, without it the slot, i.e. every function in it.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.ts';
import { INTENT_VALUES, intentsFromArgs } from '../../src/cli/intent-flags.ts';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES } from '../helpers/tree.ts';

const GUIDE = join(FIXTURES, 'guide');
let snap: HostSnapshot;
beforeAll(async () => {
  const h = openHost({ root: GUIDE });
  snap = await readHost(h.root, h.runner);
});
const intents = (...argv: string[]) =>
  intentsFromArgs(parseArgs(argv, { flags: ['force'], values: [], repeatable: INTENT_VALUES }), snap);

describe('--assign', () => {
  it('a slot passes all functions (hostpci 0000:07:00), a function only itself', () => {
    expect(intents('--assign', '07:00=102')).toEqual([
      {
        kind: 'assign',
        address: '0000:07:00.0',
        vmid: 102,
        options: { allFunctions: true, pcie: true, xVga: false, rombar: true },
      },
    ]);
    expect(intents('--assign', '0000:07:00.1=102,pcie=0')).toEqual([
      {
        kind: 'assign',
        address: '0000:07:00.1',
        vmid: 102,
        options: { allFunctions: false, pcie: false, xVga: false, rombar: true },
      },
    ]);
  });

  it('the plan writes the slot, as Proxmox reads it', async () => {
    const r = await runCli(['plan', '--root', GUIDE, '--assign', '07:00=102'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/qm set 102 --hostpci0 0000:07:00,pcie=1 --machine q35/);
  });

  it('a slot with all-functions=0 contradicts itself: usage error saying what to type', () => {
    expect(() => intents('--assign', '07:00=102,all-functions=0')).toThrow(UsageError);
    expect(() => intents('--assign', '07:00=102,all-functions=0')).toThrow(
      /0000:07:00 without '\.N' is the whole slot .* For one function type its address, e\.g\. 07:00\.0/,
    );
  });
});

describe('--reserve / --release', () => {
  it('a slot stands for each function present in it', () => {
    expect(intents('--reserve', '03:00')).toEqual([
      { kind: 'reserve', address: '0000:03:00.0' },
      { kind: 'reserve', address: '0000:03:00.1' },
    ]);
    expect(intents('--release', '0000:03:00', '--force').map((i) => (i as { address: string }).address)).toEqual([
      '0000:03:00.0',
      '0000:03:00.1',
    ]);
    expect(intents('--reserve', '03:00', '--force').every((i) => i.kind === 'reserve' && i.force)).toBe(true);
  });

  it('the plan binds both functions of the slot', async () => {
    const r = await runCli(['plan', '--root', GUIDE, '--reserve', '03:00'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+bind 0000:03:00.0 8086:1521');
    expect(r.stdout).toContain('+bind 0000:03:00.1 8086:1521');
  });

  it('a slot with nothing in it reaches the plan as that slot: no such device, exit 3', async () => {
    expect(intents('--reserve', '0a:00')).toEqual([{ kind: 'reserve', address: '0000:0a:00' }]);
    const r = await runCli(['plan', '--root', GUIDE, '--reserve', '0a:00'], { NO_COLOR: '1' });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('error: 0000:0a:00: no such PCI device on this host');
  });
});

describe('--vfs', () => {
  it('a slot of several functions is refused, spelling out both meanings and what to type', async () => {
    const r = await runCli(['plan', '--root', GUIDE, '--vfs', '04:00=8']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "pve-passthrough: --vfs 04:00=8: 0000:04:00 is a slot with 2 functions (0000:04:00.0, 0000:04:00.1). An address without '.N' means the whole slot (as in a VM's hostpci line); one with '.N' means one function, and a VF count belongs to one physical function. Type --vfs 04:00.0=8 or --vfs 04:00.1=8\n",
    );
  });

  it('a slot holding one function is that function; a function is itself', () => {
    expect(intents('--vfs', '06:00=2')).toEqual([{ kind: 'vfs', address: '0000:06:00.0', count: 2 }]);
    expect(intents('--vfs', '04:00.1=2')).toEqual([{ kind: 'vfs', address: '0000:04:00.1', count: 2 }]);
  });

  it('malformed values are usage errors naming the flag', () => {
    expect(() => intents('--vfs', '04:00.0')).toThrow(/--vfs 04:00\.0: expected ADDR=N/);
    expect(() => intents('--reserve', 'gpu')).toThrow(/--reserve gpu: 'gpu' is not a PCI address/);
    expect(() => intents('--unassign', '102')).toThrow(/--unassign 102: expected VMID:hostpciN/);
  });
});
