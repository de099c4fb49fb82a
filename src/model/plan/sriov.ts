// SR-IOV VF counts: set now through sysfs (via 0 when changing a non-zero count: the kernel
// refuses N->M with both non-zero) and persist through our udev rule.
import type { HostSnapshot, Intent, PciDevice } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { OWN, parseSriovRules, sriovRulesText } from './files.ts';

export function planVfCounts(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): void {
  const vfs = intents.filter((i): i is Extract<Intent, { kind: 'vfs' }> => i.kind === 'vfs');
  if (!vfs.length) return;
  const persisted = parseSriovRules(b.read(OWN.sriovRules));
  for (const v of vfs) {
    const pf = snap.devices.find((d) => d.address === v.address);
    if (!pf) {
      b.error(v.address, 'no such PCI device on this host');
      continue;
    }
    if (!pf.sriov) {
      b.error(v.address, `${pf.name} has no SR-IOV capability (no sriov_totalvfs)`);
      continue;
    }
    if (!Number.isInteger(v.count) || v.count < 0 || v.count > pf.sriov.totalVfs) {
      b.error(v.address, `VF count ${v.count} out of range: 0..${pf.sriov.totalVfs}`);
      continue;
    }
    const live = pf.sriov.numVfs;
    const path = `sys/bus/pci/devices/${pf.address}/sriov_numvfs`;
    if (live !== v.count) {
      if (live !== 0 && v.count !== 0) b.step('sysfs', { kind: 'sysfs', path, value: '0', previous: String(live), reason: `clear ${live} VFs first (the kernel only changes a count through 0)` });
      b.step('sysfs', { kind: 'sysfs', path, value: String(v.count), previous: live !== 0 && v.count !== 0 ? '0' : String(live), reason: `${v.count} virtual functions on ${pf.address}` });
      for (const g of vfsGoing(snap, pf, v.count)) {
        if (g.running.length) b.error(g.address, `this VF ${g.returns ? 'goes away for a moment (the count changes through 0)' : 'disappears'} while ${g.running.map((id) => `VM ${id}`).join(', ')} runs with it: shut ${g.running.length > 1 ? 'them' : 'it'} down first`);
        else if (!g.returns) b.warn(g.address, `this VF disappears but is used by ${g.usedBy.map((id) => `VM ${id}`).join(', ')} (that VM will not start)`);
      }
    }
    persisted.set(pf.address, v.count);
  }
  const rules = [...persisted.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  b.write(OWN.sriovRules, sriovRulesText(rules), 'keep the VF counts across reboots');
}

/**
 * The VFs in use that a new count takes away: all live ones when the count changes through 0
 * (`returns`: they come back), else those above the new count. A VF vanishing under a running
 * VM does not fail cleanly (the kernel waits for QEMU to let go: the write hangs, or the guest
 * loses the device), so the planner blocks on `running` and the VF editor says so up front.
 */
export function vfsGoing(snap: HostSnapshot, pf: PciDevice, count: number): Array<{ address: string; usedBy: number[]; running: number[]; returns: boolean }> {
  const live = pf.sriov?.numVfs ?? 0;
  if (live === count) return [];
  const gone = live !== 0 && count !== 0 ? pf.virtfns : pf.virtfns.slice(count);
  return gone.flatMap((address) => {
    const d = snap.devices.find((x) => x.address === address);
    if (!d?.usedBy.length) return [];
    return [{ address, usedBy: d.usedBy.map((u) => u.vmid), running: d.usedBy.filter((u) => u.running).map((u) => u.vmid), returns: pf.virtfns.indexOf(address) < count }];
  });
}
