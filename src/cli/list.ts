// `list`: the groups for a human (verdicts, names, drivers, VFs under their PF, VM use), or
// the documented JSON schema with --json.
import { toListJson } from '../model/list-json.ts';
import { describeResolution, matchingElsewhere, mappingKind, resolveMapping } from '../model/mapping-nodes.ts';
import type { HostSnapshot, PciDevice } from '../model/types.ts';
import { describeVfInfo } from '../model/vf-settings.ts';
import { VERDICT, bold, paint, wantsAscii, wantsColour } from '../ui/theme.ts';
import { parseArgs, rootArg } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { loadHost } from './load-host.ts';
import { runGuarded } from './run-guarded.ts';

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'print IOMMU groups, devices, verdicts and VMs (--json for scripts)',
  usage: `Usage: pve-passthrough list [--root DIR] [--json]

Print every IOMMU group with its isolation verdict and reasons, each device's address,
[vendor:device] ids, name and driver, virtual functions under their physical function (with
each VF's MAC, VLAN, trust, spoof check and link state as the driver reports them), and
the VMs that use each device; then each Proxmox resource mapping and, per cluster node,
whether it resolves (the devices Proxmox would check at VM start) and what else of its kind
the node has.

Options:
  --root DIR   read this root tree instead of / (a fixture or a copy of a node)
  --json       print the documented JSON schema (docs/list-json.md)
  -h, --help   this text

Exit codes: 0 ok, 1 the root could not be read, 2 bad usage (unknown option, stray argument,
--root not a folder).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json'], values: ['root'] }, 'list');
      const { snapshot } = await loadHost(rootArg(p) ?? '/', io.stderr);
      if (p.flags.has('json')) io.stdout.write(`${JSON.stringify(toListJson(snapshot), null, 2)}\n`);
      else io.stdout.write(formatList(snapshot, wantsColour(io.stdout, io.env), wantsAscii(io.env)));
      return EXIT.ok;
    }),
};

export function formatList(s: HostSnapshot, colour: boolean, ascii: boolean): string {
  const out: string[] = [];
  const byAddr = new Map(s.devices.map((d) => [d.address, d]));
  out.push(
    `${bold(colour, `Node ${s.nodeName}`)}: IOMMU ${s.iommu.enabled ? 'on' : 'OFF'}, ${s.devices.length} PCI functions, ${s.groups.length} groups, ${s.vms.length} VMs, boot loader ${s.bootloader.kind}`,
  );
  const line = (d: PciDevice, indent: string) => {
    const used = d.usedBy.map((u) => `VM ${u.vmid}${u.running ? ' (running)' : ''}`).join(', ');
    const sriov = d.sriov ? ` SR-IOV ${d.sriov.numVfs}/${d.sriov.totalVfs} VFs` : '';
    out.push(
      `${indent}${d.address} [${d.vendorId}:${d.deviceId}] ${d.name}  driver: ${d.driver ?? '(none)'}${sriov}${used ? `  used by ${used}` : ''}`,
    );
  };
  const devicesOf = (addrs: string[]) => {
    const inList = new Set(addrs);
    for (const a of addrs) {
      const d = byAddr.get(a)!;
      if (d.physfn && inList.has(d.physfn)) continue; // shown under its PF
      line(d, '    ');
      out.push(...vfSettingLines(s, d).map((l) => `      ${l}`));
      for (const vf of d.virtfns) if (inList.has(vf)) line(byAddr.get(vf)!, '      ');
      const elsewhere = d.virtfns.filter((vf) => !inList.has(vf));
      if (elsewhere.length)
        out.push(
          `      VFs in their own groups: ${elsewhere.map((vf) => `${vf} (group ${byAddr.get(vf)?.iommuGroup ?? '?'})`).join(', ')}`,
        );
    }
  };
  for (const g of s.groups) {
    const v = VERDICT[g.isolation];
    out.push('');
    out.push(
      `${bold(colour, `IOMMU group ${g.id}`)}  ${paint(colour, v.colour, `${ascii ? v.ascii : v.glyph} ${v.word}`)}`,
    );
    for (const r of g.reasons) out.push(`  ${paint(colour, 'gray', `- ${r}`)}`);
    devicesOf(g.devices);
  }
  const grouped = new Set(s.groups.flatMap((g) => g.devices));
  const rest = s.devices.filter((d) => !grouped.has(d.address)).map((d) => d.address);
  if (rest.length) {
    const v = VERDICT['no-iommu'];
    out.push('');
    out.push(
      `${bold(colour, s.iommu.enabled ? 'Not in any group' : 'No IOMMU groups (IOMMU is off)')}  ${paint(colour, v.colour, `${ascii ? v.ascii : v.glyph} ${v.word}`)}`,
    );
    devicesOf(rest);
  }
  out.push(...mappingLines(s, colour));
  if (s.notices.length) {
    out.push('');
    out.push(bold(colour, `${s.notices.length} notice${s.notices.length > 1 ? 's' : ''}:`));
    for (const n of s.notices) out.push(`  ${paint(colour, 'yellow', n.where)}: ${n.message}`);
  }
  return `${out.join('\n')}\n`;
}

/** Under an SR-IOV PF with VFs: each VF's settings as the driver reports them, or that they were not read. */
function vfSettingLines(s: HostSnapshot, d: PciDevice): string[] {
  if (!d.sriov) return [];
  const info = s.vfInfo?.[d.address];
  if (!info)
    return d.sriov.numVfs ? ['VF settings: not read (no network interface, or ip -d -j link show failed)'] : [];
  if (!info.vfs.length) return [];
  return [
    `VF settings (${info.ifname}):`,
    ...info.vfs.map((v) => `  VF ${v.vf}${d.virtfns[v.vf] ? ` ${d.virtfns[v.vf]}` : ''}: ${describeVfInfo(v)}`),
  ];
}

/** Each resource mapping, and per node whether it resolves (and what could be added there). */
export function mappingLines(s: HostSnapshot, colour: boolean): string[] {
  if (!s.mappings.length && !s.cluster) return [];
  const out = [
    '',
    bold(
      colour,
      `Resource mappings${s.cluster ? ` (cluster ${s.cluster.name ?? '?'}: ${s.cluster.nodes.map((n) => `${n.name}${n.online ? '' : ' offline'}`).join(', ')})` : ''}`,
    ),
  ];
  if (!s.mappings.length) out.push('  none (create one with --mapping NAME=ADDR)');
  for (const m of s.mappings) {
    const kind = mappingKind(m);
    out.push(`  ${m.id}${kind ? `  [${kind.id}]` : ''}${m.description ? `  ${m.description}` : ''}`);
    const extra = new Map(matchingElsewhere(s, m).map((x) => [x.node, x.devices]));
    for (const r of resolveMapping(s, m)) {
      const more = extra.get(r.node);
      const c =
        r.state === 'ok'
          ? 'green'
          : r.state === 'none' || r.state === 'unknown' || r.state === 'partly'
            ? 'yellow'
            : 'red';
      out.push(
        `    ${paint(colour, c, describeResolution(r))}${more ? `; ${more.length} more of this kind there: ${more.map((d) => d.address).join(', ')}` : ''}`,
      );
    }
  }
  for (const n of s.cluster?.notices ?? []) out.push(`  ${paint(colour, 'yellow', n.where)}: ${n.message}`);
  return out;
}
