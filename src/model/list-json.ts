// The documented `list --json` schema (docs/list-json.md): a stable projection of the
// snapshot, so internal fields can change without breaking scripts.
import { resolveMapping } from './mapping-nodes.ts';
import type { HostSnapshot } from './types.ts';

export const LIST_SCHEMA_VERSION = 1;

export function toListJson(s: HostSnapshot) {
  const dev = (addr: string) => s.devices.find((d) => d.address === addr)!;
  const device = (d: HostSnapshot['devices'][number]) => ({
    address: d.address,
    vendorId: d.vendorId,
    deviceId: d.deviceId,
    classId: d.classId,
    subsystemId: d.subsystemVendorId && d.subsystemDeviceId ? `${d.subsystemVendorId}:${d.subsystemDeviceId}` : null,
    name: d.name,
    vendorName: d.vendorName,
    className: d.className,
    driver: d.driver,
    isBridge: d.isBridge,
    sriov: d.sriov && { totalVfs: d.sriov.totalVfs, numVfs: d.sriov.numVfs },
    physfn: d.physfn,
    virtfns: d.virtfns,
    hostUses: d.hostUses,
    usedBy: d.usedBy,
    vfSettings: vfSettings(d),
  });
  // A PF's VFs as its driver reports them (ip -d -j link show), each with its address; null: not
  // an SR-IOV PF, or not read (no network interface, no ip, or ip failed: a notice says why).
  const vfSettings = (d: HostSnapshot['devices'][number]) => {
    const info = d.sriov ? s.vfInfo?.[d.address] : undefined;
    if (!info) return null;
    return {
      ifname: info.ifname,
      vfs: info.vfs.map((v) => ({ address: d.virtfns[v.vf] ?? null, ...v })),
    };
  };
  const grouped = new Set(s.groups.flatMap((g) => g.devices));
  return {
    schema: LIST_SCHEMA_VERSION,
    node: s.nodeName,
    iommu: { enabled: s.iommu.enabled, interruptRemapping: s.iommu.interruptRemapping, cmdline: s.iommu.cmdline },
    bootloader: s.bootloader.kind,
    groups: s.groups.map((g) => ({
      id: g.id,
      isolation: g.isolation,
      reasons: g.reasons,
      devices: g.devices.map((a) => device(dev(a))),
    })),
    ungrouped: s.devices.filter((d) => !grouped.has(d.address)).map(device),
    vms: s.vms.map((v) => ({
      vmid: v.vmid,
      name: v.name,
      running: v.running,
      machine: v.machine,
      bios: v.bios,
      hostpci: v.hostpci.map((h) => ({
        slot: `hostpci${h.index}`,
        raw: h.raw,
        hosts: h.hosts,
        mapping: h.mapping,
        options: h.options,
      })),
    })),
    notices: s.notices,
    cluster: s.cluster ? { name: s.cluster.name, nodes: s.cluster.nodes, notices: s.cluster.notices } : null,
    mappings: s.mappings.map((m) => ({
      id: m.id,
      description: m.description,
      maps: m.maps,
      nodes: resolveMapping(s, m),
    })),
  };
}
