// Intents from command-line flags, shared by `plan` and `apply`:
// --reserve ADDR  --release ADDR  --vfs ADDR=N  --assign ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]
// --unassign VMID:hostpciN  --force (override a host-critical group, or a shared group split, for --reserve)
// --vf PF/N=mac=02:..,vlan=10,qos=0,trust=on,spoofchk=off,state=auto  (settings of VF N of PF)
//
// Addresses mean what they mean in Proxmox's hostpci: `0000:06:00.1` (or `06:00.1`) is one
// function, `0000:06:00` (or `06:00`) is the slot, i.e. every function in it. So a slot given to
// --assign passes all functions; to --reserve / --release it stands for each function present in
// the slot; --vfs counts belong to one physical function, so a slot is refused there unless it
// holds exactly one function.
import { normalizeAddress, slotOf } from '../model/address.ts';
import type { AssignOptions, HostSnapshot, Intent } from '../model/types.ts';
import { clip, UsageError, type ParsedArgs } from './args.ts';
import { assignMappingFromArg, MAPPING_VALUES, mappingIntentsFromArgs } from './mapping-flags.ts';
import { vfIntentFromFlag } from './vf-flag.ts';

export const INTENT_VALUES = ['reserve', 'release', 'vfs', 'assign', 'unassign', 'vf', ...MAPPING_VALUES];

function address(s: string, flag: string, whole: string): string {
  const n = normalizeAddress(s);
  if (!n)
    throw new UsageError(
      `--${flag} ${clip(whole)}: '${clip(s)}' is not a PCI address (e.g. 0000:03:00.0 or 03:00.0 for one function, 03:00 for the whole slot)`,
    );
  return n;
}

const isSlot = (addr: string) => !addr.includes('.');

/** The functions present in a slot, in address order. */
const functionsIn = (snap: HostSnapshot, slot: string) =>
  snap.devices
    .filter((d) => slotOf(d.address) === slot)
    .map((d) => d.address)
    .sort();

const BOOL = (v: string, flag: string) => {
  if (v === '1' || v === 'on' || v === 'yes') return true;
  if (v === '0' || v === 'off' || v === 'no') return false;
  throw new UsageError(`${flag}: expected 0 or 1, got '${clip(v)}'`);
};

export function intentsFromArgs(p: ParsedArgs, snap: HostSnapshot): Intent[] {
  const out: Intent[] = [];
  const force = p.flags.has('force');
  // A slot stands for each function in it; a slot with none is passed on as it is, and the plan says no such device.
  const eachFunction = (a: string, flag: string) => {
    const n = address(a, flag, a);
    const fns = isSlot(n) ? functionsIn(snap, n) : [];
    return fns.length ? fns : [n];
  };
  for (const a of p.values.get('reserve') ?? [])
    for (const addr of eachFunction(a, 'reserve'))
      out.push({ kind: 'reserve', address: addr, ...(force ? { force } : {}) });
  for (const a of p.values.get('release') ?? [])
    for (const addr of eachFunction(a, 'release')) out.push({ kind: 'release', address: addr });
  for (const v of p.values.get('vfs') ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw new UsageError(`--vfs ${clip(v)}: expected ADDR=N (a physical function and a count, e.g. 04:00.0=8)`);
    let addr = address(m[1]!, 'vfs', v);
    if (isSlot(addr)) {
      const fns = functionsIn(snap, addr);
      if (fns.length > 1) {
        const pfs = fns.filter((f) => snap.devices.find((d) => d.address === f)?.sriov);
        const short = (f: string) => f.replace(/^0000:/, '');
        const typed = (pfs.length ? pfs : fns).map((f) => `--vfs ${short(f)}=${m[2]}`).join(' or ');
        throw new UsageError(
          `--vfs ${clip(v)}: ${addr} is a slot with ${fns.length} functions (${fns.join(', ')}). ` +
            `An address without '.N' means the whole slot (as in a VM's hostpci line); one with '.N' means one function, ` +
            `and a VF count belongs to one physical function. Type ${typed}`,
        );
      }
      if (fns.length === 1) addr = fns[0]!;
    }
    out.push({ kind: 'vfs', address: addr, count: Number(m[2]) });
  }
  // Resource mappings first: a plan may create a mapping and assign it in one go.
  out.push(...mappingIntentsFromArgs(p, snap));
  for (const v of p.values.get('assign') ?? []) {
    if (v.startsWith('mapping:')) {
      out.push(assignMappingFromArg(v));
      continue;
    }
    const m = /^([^=]+)=(\d+)((?:,[a-z-]+=[^,]*)*)$/.exec(v);
    if (!m) throw new UsageError(`--assign ${clip(v)}: expected ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]`);
    const options: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
    let allFunctionsGiven: boolean | undefined;
    for (const kv of m[3]!.split(',').filter(Boolean)) {
      const [k, val = ''] = kv.split('=') as [string, string];
      if (k === 'pcie') options.pcie = BOOL(val, k);
      else if (k === 'x-vga') options.xVga = BOOL(val, k);
      else if (k === 'rombar') options.rombar = BOOL(val, k);
      else if (k === 'all-functions') allFunctionsGiven = options.allFunctions = BOOL(val, k);
      else throw new UsageError(`--assign: unknown option '${clip(k)}' (pcie, x-vga, rombar, all-functions)`);
    }
    let addr = address(m[1]!, 'assign', v);
    if (isSlot(addr)) {
      // Proxmox reads `hostpci0: 0000:06:00` as every function of the slot: so does --assign.
      if (allFunctionsGiven === false) {
        throw new UsageError(
          `--assign ${clip(v)}: ${addr} without '.N' is the whole slot (all functions, as in a VM's hostpci line), ` +
            `which all-functions=0 contradicts. For one function type its address, e.g. ${addr.replace(/^0000:/, '')}.0`,
        );
      }
      options.allFunctions = true;
      addr = functionsIn(snap, addr)[0] ?? addr;
    }
    out.push({ kind: 'assign', address: addr, vmid: Number(m[2]), options });
  }
  for (const v of p.values.get('unassign') ?? []) {
    const m = /^(\d+):(hostpci\d+)$/.exec(v);
    if (!m) throw new UsageError(`--unassign ${clip(v)}: expected VMID:hostpciN`);
    out.push({ kind: 'unassign', vmid: Number(m[1]), slot: m[2]! });
  }
  for (const v of p.values.get('vf') ?? []) out.push(vfIntentFromFlag(v, snap, out));
  return out;
}
