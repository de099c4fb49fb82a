// SR-IOV VF counts: set now through sysfs (via 0 when changing a non-zero count: the kernel
// refuses N->M with both non-zero) and persist through our udev rule.
import type { HostSnapshot, Intent } from '../types.ts';
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
      const lost = pf.virtfns.slice(v.count).map((a) => snap.devices.find((d) => d.address === a)).filter((d) => d && d.usedBy.length);
      for (const d of lost) b.warn(d!.address, `this VF disappears but is used by ${d!.usedBy.map((u) => `VM ${u.vmid}${u.running ? ' (running)' : ''}`).join(', ')}`);
      if (live !== 0 && v.count !== 0) {
        const used = pf.virtfns.map((a) => snap.devices.find((d) => d.address === a)).filter((d) => d && d.usedBy.some((u) => u.running));
        if (used.length) b.warn(pf.address, `going through 0 removes every VF for a moment, including ${used.map((d) => d!.address).join(', ')} used by running VMs`);
      }
    }
    persisted.set(pf.address, v.count);
  }
  const rules = [...persisted.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  b.write(OWN.sriovRules, sriovRulesText(rules), 'keep the VF counts across reboots');
}
