// SR-IOV VF counts: set now through sysfs (via 0 when changing a non-zero count: the kernel
// refuses N->M with both non-zero) and persist through our udev rule, which adopts any other
// writer of the same PF's count (retired with a note, so two counts never compete at boot).
import type { HostSnapshot, Intent, PciDevice } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { interfaceUses } from '../net-interfaces.ts';
import { findVfPersistence, persistenceKind, retireLine } from '../sriov-persist.ts';
import { OWN, parseSriovRules, parseSriovRuleSettings, sriovRulesText, type VfRuleSettings } from './files.ts';

export function planVfCounts(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): void {
  const vfs = intents.filter((i): i is Extract<Intent, { kind: 'vfs' }> => i.kind === 'vfs');
  if (!vfs.length) return;
  const persisted = parseSriovRules(b.read(OWN.sriovRules));
  const pfs = snap.devices.filter((d) => d.sriov);
  const foreign = findVfPersistence(snap.files, pfs, OWN.sriovRules);
  const retire = new Map<string, Array<{ line: number; note: string }>>();
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
      if (live !== 0 && v.count !== 0)
        b.step('sysfs', {
          kind: 'sysfs',
          path,
          value: '0',
          previous: String(live),
          reason: `clear ${live} VFs first (the kernel only changes a count through 0)`,
        });
      b.step('sysfs', {
        kind: 'sysfs',
        path,
        value: String(v.count),
        previous: live !== 0 && v.count !== 0 ? '0' : String(live),
        reason: `${v.count} virtual functions on ${pf.address}`,
      });
      for (const g of vfsGoing(snap, pf, v.count)) {
        if (g.running.length)
          b.error(
            g.address,
            `this VF ${g.returns ? 'goes away for a moment (the count changes through 0)' : 'disappears'} while ${g.running.map((id) => `VM ${id}`).join(', ')} runs with it: shut ${g.running.length > 1 ? 'them' : 'it'} down first`,
          );
        else if (!g.returns)
          b.warn(
            g.address,
            `this VF disappears but is used by ${g.usedBy.map((id) => `VM ${id}`).join(', ')} (that VM will not start)`,
          );
      }
      for (const h of hostInterfacesGoing(snap, pf, v.count)) {
        b.warn(
          h.address,
          `host interface ${h.ifname} on this VF ${h.returns ? 'goes down with the VFs (the count changes through 0) and comes back without its settings until ifreload -a' : 'disappears'}${h.uses.length ? `, and with it: ${h.uses.join('; ')}` : ''}`,
        );
      }
    }
    persisted.set(pf.address, v.count);
    // Another writer of this PF's count (an admin's udev rule, a unit, a post-up line) is
    // retired, so the count comes back at boot from one place only: ours, after the driver binds.
    for (const f of foreign.filter((x) => x.pfs.includes(pf.address))) {
      const others = f.pfs.filter((a) => a !== pf.address);
      // A rule for several PFs (by driver): the others keep their count (the live one: what the
      // boot really gave them), now in our rule.
      for (const a of others) {
        const live = snap.devices.find((d) => d.address === a)?.sriov?.numVfs;
        if (!persisted.has(a) && !vfs.some((x) => x.address === a)) persisted.set(a, live || f.count);
      }
      const note = `pve-passthrough: VF count of ${[pf.address, ...others].join(', ')} now kept in /${OWN.sriovRules} (set after the PF driver binds)`;
      const list = retire.get(f.path) ?? [];
      if (!list.some((r) => r.line === f.line)) list.push({ line: f.line, note });
      retire.set(f.path, list);
      b.warn(
        pf.address,
        `VF count also set by /${f.path} line ${f.line} (${f.count} VFs${others.length ? `, also for ${others.join(', ')}` : ''}): that line is retired, the count is kept in /${OWN.sriovRules}`,
      );
    }
  }
  for (const [path, lines] of retire) {
    let text = b.read(path) ?? '';
    for (const r of [...lines].sort((x, y) => y.line - x.line)) text = retireLine(text, r.line, r.note);
    b.write(path, text, 'VF count moved to the pve-passthrough udev rule');
    if (persistenceKind(path) === 'systemd' && !/^\s*ExecStart\s*=/m.test(text)) {
      const unit = path.slice(path.lastIndexOf('/') + 1);
      b.warn(
        `/${path}`,
        `${unit} has nothing left to run: disable it (systemctl disable ${unit}), or systemd reports it failed at boot`,
      );
    }
  }
  // VF settings kept in the same rule lines stay (those of VFs beyond a smaller count go).
  writeSriovRules(snap, b, persisted, parseSriovRuleSettings(b.read(OWN.sriovRules)));
}

/** Our rules file, whole: each PF's count, and the settings of its VFs run after it (files.ts). */
export function writeSriovRules(
  snap: HostSnapshot,
  b: PlanBuilder,
  counts: Map<string, number>,
  settings: VfRuleSettings,
): void {
  const driverOf = new Map(snap.devices.map((d) => [d.address, d.driver]));
  const rules = [...counts.entries()]
    .sort((x, y) => (x[0] < y[0] ? -1 : 1))
    .map(([a, n]): [string, number, string | null] => [a, n, pfDriver(driverOf.get(a) ?? null)]);
  b.write(
    OWN.sriovRules,
    sriovRulesText(rules, settings),
    settings.size ? 'keep the VF counts and VF settings across reboots' : 'keep the VF counts across reboots',
  );
}

/** The PF driver the rule waits for; vfio-pci on a PF is not the driver that makes VFs for the host. */
const pfDriver = (d: string | null) => (d && d !== 'vfio-pci' ? d : null);

/**
 * Host network interfaces on the VFs that a new count takes away, even for a moment (a change
 * through 0 removes every live VF): the interface, whether it returns, and what the host has
 * on it in /etc/network/interfaces (its addresses, the bridge or bond it is a port of).
 */
export function hostInterfacesGoing(
  snap: HostSnapshot,
  pf: PciDevice,
  count: number,
): Array<{ address: string; ifname: string; returns: boolean; uses: string[] }> {
  const live = pf.sriov?.numVfs ?? 0;
  if (live === count) return [];
  const gone = live !== 0 && count !== 0 ? pf.virtfns : pf.virtfns.slice(count);
  const texts = Object.entries(snap.files)
    .filter(([p]) => p === 'etc/network/interfaces' || p.startsWith('etc/network/interfaces.d/'))
    .map(([, t]) => t);
  return gone.flatMap((address) => {
    const d = snap.devices.find((x) => x.address === address);
    return (d?.netInterfaces ?? []).map((ifname) => ({
      address,
      ifname,
      returns: pf.virtfns.indexOf(address) < count,
      uses: interfaceUses(texts, ifname),
    }));
  });
}

/**
 * The VFs in use that a new count takes away: all live ones when the count changes through 0
 * (`returns`: they come back), else those above the new count. A VF vanishing under a running
 * VM does not fail cleanly (the kernel waits for QEMU to let go: the write hangs, or the guest
 * loses the device), so the planner blocks on `running` and the VF editor says so up front.
 */
export function vfsGoing(
  snap: HostSnapshot,
  pf: PciDevice,
  count: number,
): Array<{ address: string; usedBy: number[]; running: number[]; returns: boolean }> {
  const live = pf.sriov?.numVfs ?? 0;
  if (live === count) return [];
  const gone = live !== 0 && count !== 0 ? pf.virtfns : pf.virtfns.slice(count);
  return gone.flatMap((address) => {
    const d = snap.devices.find((x) => x.address === address);
    if (!d?.usedBy.length) return [];
    return [
      {
        address,
        usedBy: d.usedBy.map((u) => u.vmid),
        running: d.usedBy.filter((u) => u.running).map((u) => u.vmid),
        returns: pf.virtfns.indexOf(address) < count,
      },
    ];
  });
}
