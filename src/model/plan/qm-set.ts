// What `qm set <vmid> --key value ... --delete a,b` does to a VM config, as a pure function:
// the planner uses it to show the exact diff, and the fixture runner uses the same function to
// perform the command on a demo tree. On a running VM, PVE queues hotplug-less changes such as
// hostpciN in [PENDING] (deletions as a `delete:` list) until the next start.
import { getKey, parseVmConf, printVmConf, setKey, type VmConfDoc } from '../vmconf.ts';

export interface QmSetArgs {
  set: Array<[string, string]>;
  delete: string[];
}

export function qmSetArgv(vmid: number, a: QmSetArgs): string[] {
  const argv = ['qm', 'set', String(vmid)];
  for (const [k, v] of a.set) argv.push(`--${k}`, v);
  if (a.delete.length) argv.push('--delete', a.delete.join(','));
  return argv;
}

export function parseQmSetArgv(argv: readonly string[]): { vmid: number; args: QmSetArgs } | null {
  if (argv[0] !== 'qm' || argv[1] !== 'set' || !/^\d+$/.test(argv[2] ?? '')) return null;
  const args: QmSetArgs = { set: [], delete: [] };
  for (let i = 3; i < argv.length; i += 2) {
    const k = argv[i]!.replace(/^--/, '');
    const v = argv[i + 1] ?? '';
    if (k === 'delete') args.delete.push(...v.split(',').filter(Boolean));
    else args.set.push([k, v]);
  }
  return { vmid: Number(argv[2]), args };
}

export function applyQmSet(text: string, a: QmSetArgs, running: boolean): string {
  let doc: VmConfDoc = parseVmConf(text).doc;
  const section = running ? 'PENDING' : null;
  for (const [k, v] of a.set) doc = setKey(doc, k, v, section);
  if (a.delete.length) {
    if (running) {
      const prev = getKey(doc, 'delete', 'PENDING');
      const list = [...new Set([...(prev ? prev.split(',') : []), ...a.delete])];
      doc = setKey(doc, 'delete', list.join(','), 'PENDING');
    } else {
      doc = { lines: doc.lines.filter((l) => !(l.kind === 'kv' && l.section === null && a.delete.includes(l.key!))) };
    }
  }
  return printVmConf(doc);
}
