// Which network functions the monitor watches, from the snapshot: every network function the
// host drives (one row per interface), the VFs of each under it, and those given away whole
// (shown as "in VM <vmid>": the host cannot see their counters, so they are never shown as 0).
import type { HostSnapshot, PciDevice } from '../types.ts';
import type { MonitorTarget, VmUse } from './types.ts';

const isNetwork = (d: PciDevice) => d.classId.startsWith('02');

function vmUses(d: PciDevice | undefined): VmUse[] {
  const out = new Map<number, VmUse>();
  for (const u of d?.usedBy ?? [])
    out.set(u.vmid, { vmid: u.vmid, running: (out.get(u.vmid)?.running ?? false) || u.running });
  return [...out.values()].sort((a, b) => a.vmid - b.vmid);
}

/**
 * `management`: interface -> the bridge or bond that carries the node's address over it, in
 * words (see managementPorts in src/host/host-uses.ts).
 */
export function buildTargets(s: HostSnapshot, management: ReadonlyMap<string, string>): MonitorTarget[] {
  const byAddr = new Map(s.devices.map((d) => [d.address, d]));
  const out: MonitorTarget[] = [];
  for (const d of s.devices) {
    if (!isNetwork(d) || d.physfn) continue;
    const vms = vmUses(d);
    if (!d.netInterfaces.length) {
      // No interface: given to vfio-pci or a VM, or no driver at all. Still a row, so the
      // operator sees where it went.
      out.push({
        id: d.address,
        kind: 'passed',
        address: d.address,
        ifname: null,
        driver: d.driver,
        pfIfname: null,
        vfIndex: null,
        vms,
        management: null,
        runningVfVms: [],
        hasVfs: false,
      });
      continue;
    }
    const vfs = d.virtfns.map((a) => byAddr.get(a));
    const runningVfVms = [
      ...new Set(
        vfs.flatMap((vf) =>
          vmUses(vf)
            .filter((u) => u.running)
            .map((u) => u.vmid),
        ),
      ),
    ].sort((a, b) => a - b);
    const pfIf = d.netInterfaces[0]!;
    for (const ifname of d.netInterfaces) {
      out.push({
        id: ifname,
        kind: 'port',
        address: d.address,
        ifname,
        driver: d.driver,
        pfIfname: null,
        vfIndex: null,
        vms,
        management: management.get(ifname) ?? null,
        runningVfVms,
        hasVfs: ifname === pfIf && d.virtfns.length > 0,
      });
    }
    d.virtfns.forEach((a, i) => {
      const vf = vfs[i];
      const ifname = vf?.netInterfaces[0] ?? null;
      out.push({
        id: ifname ?? a,
        kind: 'vf',
        address: a,
        ifname,
        driver: vf?.driver ?? null,
        pfIfname: pfIf,
        vfIndex: i,
        vms: vmUses(vf),
        management: ifname ? (management.get(ifname) ?? null) : null,
        runningVfVms: [],
        hasVfs: false,
      });
    });
  }
  return out;
}
