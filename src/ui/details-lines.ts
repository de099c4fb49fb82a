// The details of the selected row as plain lines (kept out of the component so they can be
// tested and wrapped to any width).
import type { Finding } from '../model/checks.ts';
import { howToTurnIommuOn } from '../model/plan/boot.ts';
import { functionPath, resolveMapping } from '../model/mapping-nodes.ts';
import type { HostSnapshot } from '../model/types.ts';
import { describeVfInfo } from '../model/vf-settings.ts';
import type { Row } from '../store/rows.ts';
import { VERDICT, type Colour } from './theme.ts';

export interface DetailLine {
  text: string;
  colour?: Colour;
  bold?: boolean;
}

/** Check findings about these devices, first in the pane: they are why the operator looks. */
function problemLines(findings: Finding[], addresses: string[]): DetailLine[] {
  // With changes staged the findings are those of the planned node: what they fix is no problem.
  return findings
    .filter((f) => f.plan !== 'resolved' && f.addresses.some((a) => addresses.includes(a)))
    .map((f) => ({
      text: `${f.severity === 'error' ? 'Problem' : 'Warning'} (${f.where}${f.plan === 'new' ? ', staged changes' : ''}): ${f.message}  [! for the fix]`,
      colour: f.severity === 'error' ? 'red' : 'yellow',
    }));
}

export function detailsLines(s: HostSnapshot, row: Row | undefined, findings: Finding[] = []): DetailLine[] {
  if (!row) return [{ text: 'No devices match.' }];
  if (row.kind === 'group') {
    const g = s.groups.find((x) => x.id === row.groupId);
    const v = VERDICT[row.isolation];
    // A group of bridges alone has nothing to hand over: its reason says so, not "safe to pass through".
    const meaning = row.lead === null && row.isolation === 'isolated' ? [] : [{ text: v.meaning }];
    const out: DetailLine[] = [
      {
        text: row.groupId === null ? 'Devices in no IOMMU group' : `IOMMU group ${row.groupId}: ${v.word}`,
        colour: v.colour,
        bold: true,
      },
      ...problemLines(findings, g?.devices ?? []),
      ...meaning,
    ];
    for (const r of g?.reasons ?? (s.iommu.enabled ? [] : [`IOMMU is off: ${howToTurnIommuOn(s)}`]))
      out.push({ text: `- ${r}` });
    return out;
  }
  if (row.kind === 'fold') {
    return [
      { text: `${row.count} IOMMU groups hold only PCI bridges or root ports`, bold: true },
      { text: `Groups ${row.groupIds.join(', ')}: nothing in them can be passed through; they stay with the host.` },
      { text: row.expanded ? 'h or Left folds them again.' : 'Enter, l or Right lists them.', colour: 'gray' },
    ];
  }
  const d = s.devices.find((x) => x.address === row.address);
  if (!d) return [];
  const out: DetailLine[] = [{ text: d.name, bold: true }, ...problemLines(findings, [d.address])];
  out.push({
    text: `${d.address}  [${d.vendorId}:${d.deviceId}]${d.revision ? ` rev ${d.revision}` : ''}${d.subsystemVendorId ? `  subsys ${d.subsystemVendorId}:${d.subsystemDeviceId}` : ''}`,
  });
  out.push({ text: `${d.className ?? 'Class'} (${d.classId})${d.vendorName ? `  ${d.vendorName}` : ''}` });
  out.push({
    text: `Driver ${d.driver ?? '(none)'}${d.driverOverride ? `  override ${d.driverOverride}` : ''}${d.netInterfaces.length ? `  net ${d.netInterfaces.join(',')}` : ''}`,
  });
  for (const u of d.usedBy) {
    const vm = s.vms.find((v) => v.vmid === u.vmid);
    out.push({
      text: `Used by VM ${u.vmid}${vm?.name ? ` ${vm.name}` : ''} (${u.slot}${u.mapping ? `, mapping ${u.mapping}` : ''})${u.running ? ' running' : ''}`,
      colour: 'cyan',
    });
  }
  out.push(...mappingDetailLines(s, d.address));
  for (const h of d.hostUses) out.push({ text: `Host needs it: ${h}`, colour: 'red' });
  const link = d.link ? `${d.link.speed ?? '?'} x${d.link.width ?? '?'}` : 'n/a';
  out.push({ text: `Link ${link}  Reset ${d.resetMethods?.join(',') ?? 'none'}  NUMA ${d.numaNode ?? '?'}` });
  if (d.sriov) out.push({ text: `SR-IOV ${d.sriov.numVfs} of ${d.sriov.totalVfs} VFs live (v sets the count)` });
  if (d.physfn) out.push({ text: `Virtual function of ${d.physfn}` });
  out.push(...vfSettingLines(s, d.address));
  const g = s.groups.find((x) => x.id === d.iommuGroup);
  if (g) {
    const v = VERDICT[g.isolation];
    out.push({ text: `Group ${g.id}: ${v.word}`, colour: v.colour, bold: true });
    for (const r of g.reasons) out.push({ text: `- ${r}` });
  } else out.push({ text: 'No IOMMU group (IOMMU off)', colour: 'gray' });
  for (const n of s.notices.filter((x) => x.where === d.address))
    out.push({ text: `Notice: ${n.message}`, colour: 'yellow' });
  return out;
}

/** A VF's settings as its PF's driver reports them (ip -d -j link show), or each VF's for a PF. */
function vfSettingLines(s: HostSnapshot, address: string): DetailLine[] {
  const words = describeVfInfo;
  const d = s.devices.find((x) => x.address === address);
  if (d?.physfn) {
    const n = s.devices.find((x) => x.address === d.physfn)?.virtfns.indexOf(address) ?? -1;
    const v = s.vfInfo?.[d.physfn]?.vfs.find((x) => x.vf === n);
    return v ? [{ text: `VF ${n}: ${words(v)}` }] : [];
  }
  const info = s.vfInfo?.[address];
  if (!info?.vfs.length) return [];
  return [
    { text: `VF settings (${info.ifname}; v edits them):` },
    ...info.vfs.map((v) => ({ text: `  VF ${v.vf}: ${words(v)}` })),
  ];
}

/** The resource mappings that name this device here, and where each resolves (M edits them). */
function mappingDetailLines(s: HostSnapshot, address: string): DetailLine[] {
  return s.mappings
    .filter((m) =>
      m.maps.some((e) => (e.node === s.nodeName || e.node === null) && e.path.map(functionPath).includes(address)),
    )
    .map((m) => {
      const where = resolveMapping(s, m).map(
        (r) =>
          `${r.node} ${r.state === 'ok' ? 'ok' : r.state === 'none' ? 'none' : r.state === 'unknown' ? '?' : 'NOT'}`,
      );
      const bad = where.some((w) => !w.endsWith(' ok'));
      return {
        text: `Mapping ${m.id}: ${where.join(', ')}${bad ? ' (list or M shows why)' : ''}`,
        colour: bad ? ('yellow' as const) : ('cyan' as const),
      };
    });
}
