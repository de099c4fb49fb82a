// Intents from command-line flags, shared by `plan` and `apply`:
// --reserve ADDR  --release ADDR  --vfs ADDR=N  --assign ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]
// --unassign VMID:hostpciN  --force (override a host-critical group for --reserve)
import { normalizeAddress } from '../model/address.ts';
import type { AssignOptions, HostSnapshot, Intent } from '../model/types.ts';
import { UsageError, type ParsedArgs } from './args.ts';

export const INTENT_VALUES = ['reserve', 'release', 'vfs', 'assign', 'unassign'];

function address(s: string, snap: HostSnapshot, flag: string): string {
  const n = normalizeAddress(s);
  if (!n) throw new UsageError(`--${flag} ${s}: not a PCI address (e.g. 0000:03:00.0 or 03:00.0)`);
  if (!n.includes('.')) {
    const fn0 = `${n}.0`;
    if (snap.devices.some((d) => d.address === fn0)) return fn0;
  }
  return n;
}

const BOOL = (v: string, flag: string) => {
  if (v === '1' || v === 'on' || v === 'yes') return true;
  if (v === '0' || v === 'off' || v === 'no') return false;
  throw new UsageError(`${flag}: expected 0 or 1, got '${v}'`);
};

export function intentsFromArgs(p: ParsedArgs, snap: HostSnapshot): Intent[] {
  const out: Intent[] = [];
  const force = p.flags.has('force');
  for (const a of p.values.get('reserve') ?? []) out.push({ kind: 'reserve', address: address(a, snap, 'reserve'), ...(force ? { force } : {}) });
  for (const a of p.values.get('release') ?? []) out.push({ kind: 'release', address: address(a, snap, 'release') });
  for (const v of p.values.get('vfs') ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw new UsageError(`--vfs ${v}: expected ADDR=N`);
    out.push({ kind: 'vfs', address: address(m[1]!, snap, 'vfs'), count: Number(m[2]) });
  }
  for (const v of p.values.get('assign') ?? []) {
    const m = /^([^=]+)=(\d+)((?:,[a-z-]+=[^,]*)*)$/.exec(v);
    if (!m) throw new UsageError(`--assign ${v}: expected ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]`);
    const options: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
    for (const kv of m[3]!.split(',').filter(Boolean)) {
      const [k, val = ''] = kv.split('=') as [string, string];
      if (k === 'pcie') options.pcie = BOOL(val, k);
      else if (k === 'x-vga') options.xVga = BOOL(val, k);
      else if (k === 'rombar') options.rombar = BOOL(val, k);
      else if (k === 'all-functions') options.allFunctions = BOOL(val, k);
      else throw new UsageError(`--assign: unknown option '${k}' (pcie, x-vga, rombar, all-functions)`);
    }
    out.push({ kind: 'assign', address: address(m[1]!, snap, 'assign'), vmid: Number(m[2]), options });
  }
  for (const v of p.values.get('unassign') ?? []) {
    const m = /^(\d+):(hostpci\d+)$/.exec(v);
    if (!m) throw new UsageError(`--unassign ${v}: expected VMID:hostpciN`);
    out.push({ kind: 'unassign', vmid: Number(m[1]), slot: m[2]! });
  }
  return out;
}
