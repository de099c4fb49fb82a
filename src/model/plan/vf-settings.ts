// Per-VF settings: set live with `ip link set <pf-if> vf N ...` after any VF count step (each
// with an undo that puts the previous values back), and kept for the boot in our SR-IOV rule,
// on the PF's own line after its count (files.ts says why that order holds). A hand-made
// `post-up ip link set <pf-if> vf N ...` for the same PF is adopted: its settings move into our
// rule and the line is retired with a note, so the two never disagree after a reboot.
import type { HostSnapshot, Intent, PciDevice, VfSettings } from '../types.ts';
import {
  changedSettings,
  defaultVfMac,
  describeVfSettings,
  findHandVfSettings,
  macProblem,
  macsInUse,
  settingsOfInfo,
  vfCountAfter,
  vfSettingsArgs,
} from '../vf-settings.ts';
import { interfaceUses } from '../net-interfaces.ts';
import { retireLine } from '../sriov-persist.ts';
import type { PlanBuilder } from './builder.ts';
import { IP_BIN, OWN, parseSriovRules, parseSriovRuleSettings } from './files.ts';
import { writeSriovRules } from './sriov.ts';

type VfIntent = Extract<Intent, { kind: 'vf-settings' }>;

/**
 * VF settings need our rule to carry the PF's count (they run after it): a PF whose count is
 * kept elsewhere (an admin's rule, a post-up line) gets a `vfs` intent for its live count, so
 * the VF count planner adopts that writer as it does for a staged count.
 */
export function impliedVfCounts(snap: HostSnapshot, intents: Intent[]): Intent[] {
  const ours = parseSriovRules(snap.files[OWN.sriovRules] ?? null);
  const out: Intent[] = [];
  for (const i of intents) {
    if (
      i.kind !== 'vf-settings' ||
      ours.has(i.address) ||
      intents.some((x) => x.kind === 'vfs' && x.address === i.address) ||
      out.some((x) => x.kind === 'vfs' && x.address === i.address)
    )
      continue;
    const pf = snap.devices.find((d) => d.address === i.address);
    if (pf?.sriov && pf.sriov.numVfs > 0) out.push({ kind: 'vfs', address: pf.address, count: pf.sriov.numVfs });
  }
  return out;
}

/** Why a VF settings intent cannot be planned (null: it can), with the PF it names. */
export function vfSettingsProblem(snap: HostSnapshot, i: VfIntent, intents: Intent[]): string | null {
  const pf = snap.devices.find((d) => d.address === i.address);
  if (!pf) return 'no such PCI device on this host';
  if (!pf.sriov) return `${pf.name} has no SR-IOV capability (no sriov_totalvfs): it has no VFs to set`;
  if (!pf.netInterfaces.length)
    return `${pf.address} has no network interface (driver ${pf.driver ?? 'none'}): VF settings go through the PF's network driver (ip link set <pf-if> vf N)`;
  const count = vfCountAfter(pf, intents);
  if (!Number.isInteger(i.vf) || i.vf < 0 || i.vf >= count)
    return `out of range: ${pf.address} has ${count ? `${count} VFs (0..${count - 1})` : 'no VFs'}${count === pf.sriov.numVfs ? '' : ' once the staged count is set'}`;
  const s = i.settings;
  if (!vfSettingsArgs(s).length) return 'no setting given';
  if (s.mac !== undefined) {
    const why = macProblem(s.mac);
    if (why) return why;
  }
  if (s.vlan !== undefined && (!Number.isInteger(s.vlan) || s.vlan < 0 || s.vlan > 4095))
    return `VLAN ${s.vlan} out of range: 0..4095 (0: no VLAN)`;
  if (s.qos !== undefined && (!Number.isInteger(s.qos) || s.qos < 0 || s.qos > 7))
    return `QoS ${s.qos} out of range: 0..7 (the 802.1p priority of the VLAN tag)`;
  return null;
}

/** The MAC offered for a VF: ours when set, else a locally administered one nobody has. */
export function offeredVfMac(snap: HostSnapshot, pf: string, vf: number, intents: Intent[]): string {
  const used = macsInUse(snap, pf, vf, intents, ruleSettings(snap.files[OWN.sriovRules] ?? null));
  return defaultVfMac(pf, vf, new Set(used.keys()));
}

const ruleSettings = (text: string | null) => new Map([...parseSriovRuleSettings(text)].map(([pf, e]) => [pf, e.vfs]));

export function planVfSettings(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): void {
  const vfIntents = intents.filter((i): i is VfIntent => i.kind === 'vf-settings');
  const countChanged = (pf: PciDevice) => vfCountAfter(pf, intents) !== (pf.sriov?.numVfs ?? 0);
  const settings = parseSriovRuleSettings(b.read(OWN.sriovRules));
  const before = ruleSettings(snap.files[OWN.sriovRules] ?? null);
  const touched = new Set<string>();

  for (const i of vfIntents) {
    const why = vfSettingsProblem(snap, i, intents);
    if (why) {
      b.error(`${i.address} VF ${i.vf}`, why);
      continue;
    }
    const pf = snap.devices.find((d) => d.address === i.address)!;
    if (i.settings.mac !== undefined) {
      const who = macsInUse(snap, pf.address, i.vf, intents, before).get(i.settings.mac);
      if (who) {
        b.error(
          `${i.address} VF ${i.vf}`,
          `MAC ${i.settings.mac} is already used by ${who}: two stations with one MAC lose each other's frames (${offeredVfMac(snap, pf.address, i.vf, intents)} is free)`,
        );
        continue;
      }
    }
    if (i.settings.qos && (i.settings.vlan ?? currentOf(snap, pf, i.vf)?.vlan ?? 0) === 0) {
      b.error(
        `${i.address} VF ${i.vf}`,
        `QoS ${i.settings.qos} without a VLAN: QoS is the priority bits of the VLAN tag (set vlan=1..4095 too)`,
      );
      continue;
    }
    touched.add(pf.address);
    const ifname = pf.netInterfaces[0]!;
    const entry = settings.get(pf.address) ?? { ifname, vfs: new Map<number, VfSettings>() };
    entry.ifname = ifname;
    entry.vfs.set(i.vf, { ...entry.vfs.get(i.vf), ...i.settings });
    settings.set(pf.address, entry);
    // Live: after the count (a changed count re-applies every kept setting, below).
    if (!countChanged(pf)) {
      const now = currentOf(snap, pf, i.vf);
      const change = changedSettings(now ? settingsOfInfo(now) : null, i.settings);
      if (vfSettingsArgs(change).length) {
        const full = { ...(now ? settingsOfInfo(now) : {}), ...i.settings };
        const undo = now ? vfSettingsArgs(pick(settingsOfInfo(now), change), settingsOfInfo(now)) : [];
        b.step('sysfs', {
          kind: 'command',
          argv: ['ip', 'link', 'set', ifname, 'vf', String(i.vf), ...vfSettingsArgs(change, full)],
          reason: `VF ${i.vf} of ${pf.address}: ${describeVfSettings(change)}`,
          ...(undo.length ? { undoFirst: ['ip', 'link', 'set', ifname, 'vf', String(i.vf), ...undo] } : {}),
        });
        if (!now)
          b.warn(
            `${i.address} VF ${i.vf}`,
            `its current settings were not read (ip -d -j link show ${ifname}): an undo cannot put them back`,
          );
      }
      const vfDev = snap.devices.find((d) => d.address === pf.virtfns[i.vf]);
      if (change.mac !== undefined || change.vlan !== undefined || change.state === 'disable') {
        const texts = Object.entries(snap.files)
          .filter(([p]) => p === 'etc/network/interfaces' || p.startsWith('etc/network/interfaces.d/'))
          .map(([, t]) => t);
        for (const ifname of vfDev?.netInterfaces ?? []) {
          const uses = interfaceUses(texts, ifname);
          b.warn(
            `${i.address} VF ${i.vf}`,
            `host interface ${ifname} is on this VF${uses.length ? ` (${uses.join('; ')})` : ''}: ${change.vlan ? `its frames now leave tagged with VLAN ${change.vlan} (its network moves to that VLAN)` : change.state === 'disable' ? 'its link goes down' : 'its MAC changes under the host (neighbours and DHCP see a new station)'}`,
          );
        }
      }
      const running = vfDev?.usedBy.filter((u) => u.running).map((u) => u.vmid) ?? [];
      if (running.length && change.mac !== undefined)
        b.warn(
          `${i.address} VF ${i.vf}`,
          `VM ${running.join(', ')} runs with this VF: the guest sees the new MAC once its VF driver resets (restart the VM)`,
        );
    }
  }
  // A changed count makes new VFs with the driver's defaults: every kept setting of that PF (staged
  // now or in our rule already) is set again after the count; the undo (after the old count is
  // back) restores the old values.
  for (const [addr, e] of settings) {
    const pf = snap.devices.find((d) => d.address === addr);
    if (!pf || !countChanged(pf) || b.errors.some((x) => x.where.startsWith(addr))) continue;
    for (const [vf, s] of [...e.vfs].sort((x, y) => x[0] - y[0])) {
      if (vf >= vfCountAfter(pf, intents) || !vfSettingsArgs(s).length) continue;
      const old = currentOf(snap, pf, vf);
      b.step('sysfs', {
        kind: 'command',
        argv: ['ip', 'link', 'set', e.ifname, 'vf', String(vf), ...vfSettingsArgs(s)],
        reason: `VF ${vf} of ${addr} after the count change: ${describeVfSettings(s)}`,
        ...(old
          ? { undoLast: ['ip', 'link', 'set', e.ifname, 'vf', String(vf), ...vfSettingsArgs(settingsOfInfo(old))] }
          : {}),
      });
    }
  }

  if (!touched.size) return;

  // Hand-made lines for these PFs move into our rule (theirs first, ours over them), retired.
  // Found in the files as they are (the line numbers the operator sees), retired by their text
  // in the staged file (the VF count planner may have retired a line above them already).
  const hand = findHandVfSettings(
    snap.files,
    snap.devices.filter((d) => d.sriov),
  ).filter((h) => touched.has(h.pf));
  const retire = new Map<string, string[]>();
  for (const h of hand) {
    const e = settings.get(h.pf)!;
    const staged = vfIntents
      .filter((x) => x.address === h.pf && x.vf === h.vf)
      .reduce<VfSettings>((acc, x) => ({ ...acc, ...x.settings }), {});
    const kept = e.vfs.get(h.vf) ?? {};
    e.vfs.set(h.vf, { ...h.settings, ...kept, ...staged });
    if (!h.alone) {
      b.warn(
        `/${h.path}:${h.line}`,
        `also sets VF ${h.vf} of ${h.pf} (${describeVfSettings(h.settings)}) among other commands: its settings are now in /${OWN.sriovRules} too; take the ip link set part out of that line by hand`,
      );
      continue;
    }
    retire.set(h.path, [...(retire.get(h.path) ?? []), snap.files[h.path]!.split('\n')[h.line - 1]!]);
    b.warn(
      `/${h.path}:${h.line}`,
      `VF ${h.vf} of ${h.pf} set by hand here (${describeVfSettings(h.settings)}): that line is retired, the settings are kept in /${OWN.sriovRules} (run right after the VF count)`,
    );
  }
  for (const [path, lines] of retire) {
    let text = b.read(path) ?? '';
    for (const l of lines) {
      const at = text.split('\n').indexOf(l);
      if (at >= 0)
        text = retireLine(
          text,
          at + 1,
          `pve-passthrough: VF settings now kept in /${OWN.sriovRules} (${IP_BIN} link set after the VF count)`,
        );
    }
    b.write(path, text, 'VF settings moved to the pve-passthrough udev rule');
  }
  writeSriovRules(snap, b, parseSriovRules(b.read(OWN.sriovRules)), settings);
}

function currentOf(snap: HostSnapshot, pf: PciDevice, vf: number) {
  return snap.vfInfo?.[pf.address]?.vfs.find((v) => v.vf === vf) ?? null;
}

/** The fields of `from` that `keys` has. */
function pick(from: VfSettings, keys: VfSettings): VfSettings {
  const out: VfSettings = {};
  for (const k of Object.keys(keys) as Array<keyof VfSettings>)
    if (from[k] !== undefined) (out as Record<string, unknown>)[k] = from[k];
  return out;
}
