// Resource mapping flags, shared by `plan`, `apply` and `check`:
//   --mapping NAME=ADDR[+ADDR...]   create the mapping, or add devices to it (a pool of VFs or of
//                                   identical cards); NODE/ADDR names a device of another node
//   --mapping NAME=ADDR,description=TEXT   (the description only when the mapping is new)
//   --unmap NAME                    delete the mapping (refused while a VM uses it)
//   --assign mapping:NAME=VMID[,pcie=1,x-vga=1,rombar=0]   hostpciN: mapping=NAME,...
// A device is an address as in a hostpci line (06:00.1, or 06:00 for every function present).
import { normalizeAddress } from '../model/address.ts';
import { NODE_NAME_RE } from '../model/mapping-config.ts';
import type { HostSnapshot, Intent, MappingDevice } from '../model/types.ts';
import { clip, UsageError, type ParsedArgs } from './args.ts';

export const MAPPING_VALUES = ['mapping', 'unmap'];

const BOOL = (v: string, flag: string) => {
  if (v === '1' || v === 'on' || v === 'yes') return true;
  if (v === '0' || v === 'off' || v === 'no') return false;
  throw new UsageError(`${flag}: expected 0 or 1, got '${clip(v)}'`);
};

export function mappingIntentsFromArgs(p: ParsedArgs, snap: HostSnapshot): Intent[] {
  const out: Intent[] = [];
  for (const v of p.values.get('mapping') ?? []) {
    const m = /^([^=]+)=([^,]*)(?:,description=(.*))?$/.exec(v);
    if (!m || !m[2])
      throw new UsageError(
        `--mapping ${clip(v)}: expected NAME=ADDR[+ADDR...] (e.g. x710-vf=04:02.0+04:02.1, or pve2/41:00.0 for another node's device); --unmap NAME deletes one`,
      );
    const devices: MappingDevice[] = [];
    for (const part of m[2].split('+').filter(Boolean)) {
      const slash = part.indexOf('/');
      const node = slash < 0 ? null : part.slice(0, slash);
      const a = slash < 0 ? part : part.slice(slash + 1);
      if (node !== null && !NODE_NAME_RE.test(node))
        throw new UsageError(`--mapping ${clip(v)}: '${clip(node)}' is not a node name`);
      const addr = normalizeAddress(a);
      if (!addr)
        throw new UsageError(`--mapping ${clip(v)}: '${clip(a)}' is not a PCI address (e.g. 04:02.0, or NODE/04:02.0)`);
      // A slot on this node: each function present in it (a remote slot is kept: the plan says if it is not there).
      const fns =
        !addr.includes('.') && (node === null || node === snap.nodeName)
          ? snap.devices.filter((d) => d.address.startsWith(`${addr}.`)).map((d) => d.address)
          : [];
      for (const f of fns.length ? fns : [addr])
        devices.push({ node: node === snap.nodeName ? null : node, address: f });
    }
    out.push({ kind: 'mapping', name: m[1]!, devices, ...(m[3] ? { description: m[3] } : {}) });
  }
  for (const v of p.values.get('unmap') ?? []) {
    if (!v || v.includes('=')) throw new UsageError(`--unmap ${clip(v)}: expected the name of a mapping`);
    out.push({ kind: 'unmap', name: v });
  }
  return out;
}

/** `--assign mapping:NAME=VMID[,opts]`. */
export function assignMappingFromArg(v: string): Intent {
  const m = /^mapping:([^=]+)=(\d+)((?:,[a-z-]+=[^,]*)*)$/.exec(v);
  if (!m) throw new UsageError(`--assign ${clip(v)}: expected mapping:NAME=VMID[,pcie=1,x-vga=1,rombar=0]`);
  const options = { allFunctions: false, pcie: true, xVga: false, rombar: true };
  for (const kv of m[3]!.split(',').filter(Boolean)) {
    const [k, val = ''] = kv.split('=') as [string, string];
    if (k === 'pcie') options.pcie = BOOL(val, k);
    else if (k === 'x-vga') options.xVga = BOOL(val, k);
    else if (k === 'rombar') options.rombar = BOOL(val, k);
    else
      throw new UsageError(
        `--assign: unknown option '${clip(k)}' for a mapping (pcie, x-vga, rombar; which functions is the mapping's path)`,
      );
  }
  return { kind: 'assign-mapping', name: m[1]!, vmid: Number(m[2]), options };
}
