// The trial boot: after a commit that needs a reboot, the boot loader's default becomes the
// recovery entry (passthrough off, see recovery.ts) and a one-shot setting boots the normal entry,
// with the new configuration, once. A small systemd unit confirms the trial boot when the node's
// management address is up and pve-cluster runs (or the operator runs `pve-passthrough confirm`),
// and only then puts the normal default back. A node that hangs, or is power-cycled, before that
// comes up through the recovery entry: without passthrough.
//
// Facts relied on. systemd-boot's were then seen on real boots (test/kernel/trial.test.ts: Debian
// 12's systemd-boot 252 and bootctl under OVMF, an ESP laid out as proxmox-boot-tool leaves it, the
// program's own apply --trial): the one-shot boots the normal entry once and is deleted by the
// loader; with no confirmation the next boot takes LoaderEntryDefault, the recovery entry; entry
// ids are the file names with `.conf` (LoaderEntrySelected, `bootctl list`); `bootctl set-default ''`
// and `set-oneshot ''` remove the variables, and loader.conf's `default proxmox-*` rules again.
// `bootctl list` marks "(default)" the entry that boots next (the one-shot while it is set). Not
// seen there: bootctl's refusal without LoaderInfo, several ESPs, and the unit's wait (the lab has
// no systemd as init, no pve-cluster). GRUB's facts stay read, not run: no GRUB boot in the lab.
// - GRUB (GNU GRUB manual, "default" and "Environment block"; util/grub.d/00_header.in;
//   grub-reboot(8), grub-set-default(8)):
//   * grub.cfg's header loads $prefix/grubenv (`load_env`). When `next_entry` is set it boots that
//     entry, clears it and writes it back (`set next_entry=` + `save_env next_entry`), and sets
//     boot_once (so `savedefault` does not store the one-shot). Otherwise `default` is
//     GRUB_DEFAULT, or `${saved_entry}` when GRUB_DEFAULT=saved.
//   * grub-reboot ENTRY is `grub-editenv /boot/grub/grubenv set next_entry=ENTRY`;
//     grub-set-default ENTRY is `... set saved_entry=ENTRY`. ENTRY: a number, a title or a
//     menu entry id (our recovery entry's id: GRUB_RECOVERY_ID). A saved_entry naming no entry
//     falls back to entry 0: the recovery entry must be in grub.cfg (update-grub runs before the
//     trial's steps in the apply; not checked again before the reboot). The entry 0 is the first one
//     10_linux writes: the newest kernel, what GRUB_DEFAULT=0 (Debian's value) boots. An unset
//     or empty default makes GRUB fall back to the first entry too (normal/menu.c: a default
//     outside the menu is entry 0).
//   * save_env only writes a grubenv that sits on plain disk blocks: "In cases where GRUB cannot
//     write to the environment block, such as when it is stored on an MDRAID or LVM device, the
//     chosen boot menu entry will remain the default even after reboot" (grub-reboot(8)); GRUB
//     has no write support for ZFS or btrfs either. Proxmox VE's ext4/xfs installer puts /boot on
//     the LVM volume pve-root: there the one-shot would stick and every boot would try the new
//     configuration, so the trial is refused (the recovery entry is still in the menu).
//   * grub-mkconfig reads /etc/default/grub, then /etc/default/grub.d/*.cfg in name order
//     (Debian): proxmox-boot-tool's kernel pin writes GRUB_DEFAULT in proxmox-kernel-pin.cfg.
// - systemd-boot (bootctl(1), systemd.io BOOT_LOADER_INTERFACE, src/bootctl: verb_set_efivar):
//   * `bootctl set-oneshot ID` writes the EFI variable LoaderEntryOneShot, `set-default ID`
//     LoaderEntryDefault (vendor GUID 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f, a NUL-terminated
//     UTF-16 string); an empty ID removes the variable. bootctl refuses unless LoaderInfo exists
//     (this boot came through a loader that implements the interface).
//   * src/boot/efi/boot.c: config_load_defaults() reads LoaderEntryOneShot and unsets it right
//     away ("after all it's one shot"); config_select_default_entry() takes the one-shot entry,
//     else LoaderEntryDefault, else loader.conf's `default`, each matched (lower-cased, glob
//     allowed) against the entry ids. A one-shot naming no entry falls through to the default:
//     the recovery entry, the safe side. The variables live in the firmware (NVRAM), not on an
//     ESP: they hold whichever ESP the firmware boots, as long as each has the entry.
//   * An entry's id is its file name, `.conf` included (`bootctl list` shows
//     `id: proxmox-6.1.0-56-amd64.conf`, and so does LoaderEntrySelected, in the kernel lab).
//     proxmox-boot-tool writes loader/entries/proxmox-<kver>.conf on every ESP; our hook a
//     pve-passthrough-recovery-<kver>.conf next to each (recovery.ts). The newest kernel is the
//     one `default proxmox-*` picks: entries without sort-key are ordered by id, newest version
//     first (boot_entry_compare()); we order /boot/vmlinuz-* the same way.
//   * loader.conf says `default proxmox-*` (the newest kernel) or `proxmox-<kver>.conf` when
//     pinned (set_systemd_boot_default() in proxmox-kernel-helper's functions): the variables
//     override it without touching the ESPs.
// - proxmox-boot-tool `kernel pin <kver> --next-boot` (proxmox-kernel-helper src/bin/proxmox-boot-tool
//   pin_kernel(), src/proxmox-boot/proxmox-boot-cleanup.service) is not a boot loader one-shot:
//   it writes /etc/kernel/next-boot-pin, `refresh` makes that kernel the loader.conf default
//   (or GRUB_DEFAULT in proxmox-kernel-pin.cfg), and proxmox-boot-cleanup.service unpins and
//   refreshes again once userspace runs. A boot that hangs before that keeps the pin, so it
//   cannot carry a trial; we use the loaders' own one-shots and pick the kernel a next-boot pin
//   or a pin names.
import { createHash } from 'node:crypto';
import { parseInterfaces } from '../net-interfaces.ts';
import type { HostSnapshot } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { HEADER, KILL_SWITCH_WORD } from './files.ts';
import { ESP_ENTRY_PREFIX, GRUB_RECOVERY_ID, RECOVERY } from './recovery.ts';

export const TRIAL = {
  unit: 'etc/systemd/system/pve-passthrough-trial.service',
  script: 'etc/pve-passthrough/trial-confirm',
  /** What the pending trial restores; written by the plan, never changed by the confirmation. */
  env: 'etc/pve-passthrough/trial.env',
  grubDropIn: 'etc/default/grub.d/pve-passthrough-trial.cfg',
} as const;

export const TRIAL_UNIT_NAME = 'pve-passthrough-trial.service';
export const GRUBENV = '/boot/grub/grubenv';
/** State files in the state folder (var/lib/pve-passthrough), written by the confirmation only. */
export const TRIAL_STATE = {
  confirmed: 'trial-confirmed',
  recovered: 'trial-recovered',
  unconfirmed: 'trial-unconfirmed',
} as const;
/** How long the unit waits for the management address and pve-cluster. */
export const TRIAL_WAIT_SECONDS = 600;

export interface TrialEnv {
  TRIAL_ID: string;
  LOADER: 'grub' | 'systemd-boot';
  /** The default to put back: GRUB's saved_entry, or LoaderEntryDefault; empty: unset it. */
  RESTORE_DEFAULT: string;
  /** The entry booted once (the normal one), and the recovery entry made the default. */
  ONESHOT: string;
  RECOVERY_ENTRY: string;
  MGMT_IFACE: string;
  MGMT_ADDRESS: string;
}

const shq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

export function trialEnvText(env: TrialEnv): string {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`);
  return `${HEADER}# The pending trial boot: read by ${'/' + TRIAL.script} and \`pve-passthrough confirm\`.\n${lines.join('\n')}\n`;
}

/** Reads trial.env back (KEY='value' lines as trialEnvText writes them); null when malformed. */
export function parseTrialEnv(text: string | null): TrialEnv | null {
  if (text === null) return null;
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=('(?:[^']|'\\'')*')$/.exec(line);
    if (m) out[m[1]!] = m[2]!.slice(1, -1).replace(/'\\''/g, "'");
  }
  if (
    !out.TRIAL_ID ||
    (out.LOADER !== 'grub' && out.LOADER !== 'systemd-boot') ||
    out.ONESHOT === undefined ||
    out.RECOVERY_ENTRY === undefined
  )
    return null;
  return {
    TRIAL_ID: out.TRIAL_ID,
    LOADER: out.LOADER,
    RESTORE_DEFAULT: out.RESTORE_DEFAULT ?? '',
    ONESHOT: out.ONESHOT,
    RECOVERY_ENTRY: out.RECOVERY_ENTRY,
    MGMT_IFACE: out.MGMT_IFACE ?? '',
    MGMT_ADDRESS: out.MGMT_ADDRESS ?? '',
  };
}

/** The commands that put the normal default back (the confirmation), as argument arrays. */
export function restoreArgv(env: TrialEnv): string[][] {
  if (env.LOADER === 'grub') {
    return [
      ['grub-editenv', GRUBENV, 'unset', 'next_entry'],
      env.RESTORE_DEFAULT
        ? ['grub-editenv', GRUBENV, 'set', `saved_entry=${env.RESTORE_DEFAULT}`]
        : ['grub-editenv', GRUBENV, 'unset', 'saved_entry'],
    ];
  }
  return [
    ['bootctl', 'set-oneshot', ''],
    ['bootctl', 'set-default', env.RESTORE_DEFAULT],
  ];
}

/** GRUB's environment block: `name=value` lines after the header, padded with '#'. */
export function parseGrubenv(text: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    if (line.startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** GRUB_DEFAULT as grub-mkconfig sees it (etc/default/grub, then grub.d/*.cfg), and where it is set. */
export function effectiveGrubDefault(files: Record<string, string>): { value: string | null; where: string | null } {
  const paths = [
    'etc/default/grub',
    ...Object.keys(files)
      .filter((p) => p.startsWith('etc/default/grub.d/') && p.endsWith('.cfg') && p !== TRIAL.grubDropIn)
      .sort(),
  ];
  let value: string | null = null;
  let where: string | null = null;
  for (const p of paths) {
    for (const line of (files[p] ?? '').split('\n')) {
      const m = /^\s*(?:export\s+)?GRUB_DEFAULT=(.*)$/.exec(line);
      if (!m) continue;
      value = m[1]!
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/^'(.*)'$/, '$1');
      where = p;
    }
  }
  return { value, where };
}

/**
 * The management address: the interface with the default gateway in etc/network/interfaces
 * (vmbr0 on a stock install), else the first one with a static address other than lo.
 */
export function managementAddress(text: string | null): { iface: string; address: string } | null {
  const stanzas = parseInterfaces(text ?? '').filter((s) => s.name !== 'lo');
  const addr = (s: (typeof stanzas)[number]) => s.options.find((o) => o.key === 'address')?.value.split('/')[0] ?? null;
  const pick =
    stanzas.find((s) => addr(s) && s.options.some((o) => o.key === 'gateway')) ?? stanzas.find((s) => addr(s));
  return pick ? { iface: pick.name, address: addr(pick)! } : null;
}

export function trialUnitText(): string {
  return `${HEADER}# Confirms a trial boot (pve-passthrough apply --trial): once the management address is up
# and pve-cluster runs, the boot loader's default goes back from the recovery entry to normal.
[Unit]
Description=pve-passthrough: confirm the trial boot and restore the normal boot entry
Wants=network-online.target
After=network-online.target pve-cluster.service
ConditionPathExists=/${TRIAL.env}

[Service]
# Not oneshot: the wait must not hold up multi-user.target.
Type=exec
ExecStart=/${TRIAL.script} --wait

[Install]
WantedBy=multi-user.target
`;
}

/** The confirmation script (the unit's, and what `pve-passthrough confirm` does in TypeScript). */
export function trialScriptText(): string {
  return `#!/bin/sh
${HEADER}# Confirms the pending trial boot described in /${TRIAL.env}: puts the boot loader's normal
# default back and records it in /var/lib/pve-passthrough/${TRIAL_STATE.confirmed}.
# --wait (the unit): first wait up to ${TRIAL_WAIT_SECONDS}s for the management address and pve-cluster.
# Exit: 0 confirmed (or nothing pending), 1 a boot loader command failed or the wait ran out,
# 3 booted through the recovery entry (${KILL_SWITCH_WORD}): not confirmed.
set -u
# Overridable only so tests can run this on a copy of a node's tree.
env_file="\${PVE_PASSTHROUGH_TRIAL_ENV:-/${TRIAL.env}}"
state="\${PVE_PASSTHROUGH_STATE:-/var/lib/pve-passthrough}"
cmdline="\${PVE_PASSTHROUGH_CMDLINE:-/proc/cmdline}"
poll="\${PVE_PASSTHROUGH_TRIAL_POLL:-5}"
wait_s="\${PVE_PASSTHROUGH_TRIAL_WAIT:-${TRIAL_WAIT_SECONDS}}"

[ -r "$env_file" ] || exit 0
. "$env_file"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
record() {
	mkdir -p "$state" && printf '%s %s %s\\n' "$TRIAL_ID" "$(now)" "$2" >"$state/$1.tmp" && mv "$state/$1.tmp" "$state/$1"
}
if [ -r "$state/${TRIAL_STATE.confirmed}" ] && read -r done_id _ <"$state/${TRIAL_STATE.confirmed}" && [ "$done_id" = "$TRIAL_ID" ]; then
	exit 0
fi
words=""
[ -r "$cmdline" ] && read -r words <"$cmdline"
case " $words " in
*" ${KILL_SWITCH_WORD} "*)
	echo "pve-passthrough: booted through the recovery entry: the trial is not confirmed" >&2
	record ${TRIAL_STATE.recovered} recovery-entry
	exit 3
	;;
esac

healthy() {
	why=""
	if [ -n "$MGMT_IFACE" ]; then
		ip -o link show dev "$MGMT_IFACE" up 2>/dev/null | grep -q . || why="$MGMT_IFACE is not up"
		[ -z "$why" ] && { ip -o addr show dev "$MGMT_IFACE" 2>/dev/null | grep -qF " $MGMT_ADDRESS/" || why="$MGMT_ADDRESS is not on $MGMT_IFACE"; }
	fi
	[ -z "$why" ] && { systemctl is-active --quiet pve-cluster || why="pve-cluster is not active"; }
	[ -z "$why" ]
}
if [ "\${1:-}" = "--wait" ]; then
	waited=0
	until healthy; do
		if [ "$waited" -ge "$wait_s" ]; then
			echo "pve-passthrough: trial boot not confirmed after \${wait_s}s: $why" >&2
			record ${TRIAL_STATE.unconfirmed} "$why"
			exit 1
		fi
		sleep "$poll"
		waited=$((waited + poll))
	done
fi

case "$LOADER" in
grub)
	grub-editenv ${GRUBENV} unset next_entry || exit 1
	if [ -n "$RESTORE_DEFAULT" ]; then
		grub-editenv ${GRUBENV} set "saved_entry=$RESTORE_DEFAULT" || exit 1
	else
		grub-editenv ${GRUBENV} unset saved_entry || exit 1
	fi
	;;
systemd-boot)
	bootctl set-oneshot "" || exit 1
	bootctl set-default "$RESTORE_DEFAULT" || exit 1
	;;
*)
	echo "pve-passthrough: unknown boot loader '$LOADER' in $env_file" >&2
	exit 1
	;;
esac
record ${TRIAL_STATE.confirmed} "\${1:-manual}"
echo "pve-passthrough: trial boot confirmed; the normal boot entry is the default again" >&2
exit 0
`;
}

/**
 * Any plan that needs a reboot while a trial is still pending (the boot loader's default is the
 * recovery entry): that reboot comes up without passthrough until the trial is confirmed.
 */
export function warnTrialPending(snap: HostSnapshot, b: PlanBuilder): void {
  if (!b.needsReboot()) return;
  const facts = snap.bootloader.facts;
  const grubDefault = parseGrubenv(snap.files['boot/grub/grubenv'] ?? null).get('saved_entry');
  const pending =
    snap.bootloader.kind === 'grub'
      ? grubDefault === GRUB_RECOVERY_ID
      : Boolean(facts?.entryDefault?.startsWith(ESP_ENTRY_PREFIX));
  if (pending)
    b.warn(
      'trial boot',
      "a trial boot is still pending: the boot loader's default is the recovery entry, so the next reboot comes up without passthrough; run 'pve-passthrough confirm' first if the node is healthy (see 'pve-passthrough status')",
    );
}

/** An applied trial's next steps (CLI and TUI): the reboot it needs, and how it ends. */
export function trialNextSteps(next: string[]): string[] {
  return [
    'Reboot the node with a trial: the next boot uses the new configuration once; until it is confirmed the default boot entry is the recovery entry (passthrough off), so a hang or a power cycle brings the node back without passthrough.',
    "The trial is confirmed by pve-passthrough-trial.service once the management address is up and pve-cluster runs, or by 'pve-passthrough confirm'; see 'pve-passthrough status'.",
    ...next.filter((s) => !s.startsWith('Reboot the node')),
  ];
}

const REASON =
  'trial boot: confirms the new configuration once the node is healthy, then restores the normal boot entry';

/**
 * Adds the trial to a plan that needs a reboot: its unit, script and settings, and the steps that
 * make the recovery entry the default and the normal entry the one-shot, each with its undo.
 * Refuses (a plan error) where the boot loader cannot carry it.
 */
export function planTrial(snap: HostSnapshot, b: PlanBuilder): void {
  const refuse = (message: string) => b.error('trial boot', message);
  if (!b.needsReboot()) return refuse('this plan needs no reboot: there is nothing to try (apply it without --trial)');
  if (b.errors.length) return; // the plan is blocked anyway
  const { kind } = snap.bootloader;
  if (kind === 'unknown')
    return refuse(
      'boot loader not found (neither /etc/kernel/cmdline nor /etc/default/grub): no one-shot boot can be set',
    );
  if (b.read(RECOVERY.grub) === null || (kind === 'systemd-boot' && b.read(RECOVERY.espInstall) === null))
    return refuse(
      'no device stays reserved after this plan, so there is no recovery entry to fall back to: apply without --trial',
    );
  const facts = snap.bootloader.facts;
  if (!facts) return refuse('the boot loader settings were not read');
  const mgmt = managementAddress(snap.files['etc/network/interfaces'] ?? null);
  if (!mgmt)
    b.warn(
      'trial boot',
      'no management address found in /etc/network/interfaces: the confirmation waits for pve-cluster only',
    );

  let env: Omit<TrialEnv, 'TRIAL_ID'>;
  const steps: Array<{ argv: string[]; reason: string; undo: string[] }> = [];
  if (kind === 'grub') {
    const m = facts.grubMount;
    if (!m)
      return refuse(
        'cannot tell which file system holds /boot/grub (nothing in /proc/mounts): GRUB may not be able to clear a one-shot boot',
      );
    const why = /^\/dev\/(mapper\/|dm-)/.test(m.source)
      ? 'LVM or device-mapper'
      : /^\/dev\/md/.test(m.source)
        ? 'MD RAID'
        : ['zfs', 'btrfs'].includes(m.fstype)
          ? m.fstype
          : null;
    if (why) {
      return refuse(
        `/boot/grub is on ${m.source} (${why}, ${m.fstype}): GRUB cannot write its environment block there, so a one-shot boot (grub-reboot) would never be cleared and every boot would try the new configuration. Reboot without --trial; if the node does not come back, choose the recovery entry in the boot menu`,
      );
    }
    const grubenv = parseGrubenv(snap.files['boot/grub/grubenv'] ?? null);
    const next = grubenv.get('next_entry');
    if (next)
      return refuse(
        `a one-shot boot is already set in ${GRUBENV} (next_entry=${next}): reboot first, or clear it with grub-editenv ${GRUBENV} unset next_entry`,
      );
    const saved = grubenv.get('saved_entry') ?? '';
    if (saved === GRUB_RECOVERY_ID)
      return refuse(
        "a trial is already pending (the default is the recovery entry): confirm it with 'pve-passthrough confirm', or roll it back first",
      );
    const def = effectiveGrubDefault(snap.files);
    if (def.value !== null && def.value !== '0' && def.value !== 'saved') {
      return refuse(
        `GRUB_DEFAULT=${def.value} in /${def.where}: a trial needs GRUB_DEFAULT=saved (the default then changes without update-grub) and is not made to override your choice. To keep booting that entry: set GRUB_DEFAULT=saved there, run update-grub and grub-set-default '${def.value}'; the trial then boots it once and keeps it as the normal default`,
      );
    }
    if (def.value !== 'saved') {
      b.write(
        TRIAL.grubDropIn,
        `${HEADER}# The trial boot switches GRUB's default with grub-set-default: that needs GRUB_DEFAULT=saved.\n# With no saved_entry, GRUB boots the first entry, as GRUB_DEFAULT=${def.value ?? '0'} did.\nGRUB_DEFAULT=saved\n`,
        REASON,
      );
      b.step('boot', {
        kind: 'command',
        argv: ['update-grub'],
        reason: 'GRUB_DEFAULT=saved into grub.cfg (the trial switches the default in grubenv)',
      });
    }
    const oneshot = saved || '0';
    env = {
      LOADER: 'grub',
      RESTORE_DEFAULT: saved,
      ONESHOT: oneshot,
      RECOVERY_ENTRY: GRUB_RECOVERY_ID,
      MGMT_IFACE: mgmt?.iface ?? '',
      MGMT_ADDRESS: mgmt?.address ?? '',
    };
    const restore = saved
      ? ['grub-editenv', GRUBENV, 'set', `saved_entry=${saved}`]
      : ['grub-editenv', GRUBENV, 'unset', 'saved_entry'];
    steps.push({
      argv: ['grub-set-default', GRUB_RECOVERY_ID],
      reason: 'the recovery entry becomes the default until the trial boot is confirmed',
      undo: restore,
    });
    steps.push({
      argv: ['grub-reboot', oneshot],
      reason: `the next boot only: the normal entry (${oneshot === '0' ? 'the first, newest kernel' : oneshot}) with the new configuration`,
      undo: ['grub-editenv', GRUBENV, 'unset', 'next_entry'],
    });
  } else {
    if (!facts.efiLoader)
      return refuse(
        'this boot did not come through systemd-boot (no LoaderInfo EFI variable: legacy BIOS, or GRUB on the ESPs as with Secure Boot): bootctl cannot set a one-shot entry',
      );
    if (!facts.efiLoader.startsWith('systemd-boot'))
      return refuse(
        `this boot came through ${facts.efiLoader}, not systemd-boot: its one-shot entry cannot be relied on`,
      );
    if (facts.entryOneShot)
      return refuse(
        `a one-shot entry is already set (LoaderEntryOneShot=${facts.entryOneShot}): reboot first, or clear it with bootctl set-oneshot ''`,
      );
    if (facts.entryDefault?.startsWith(ESP_ENTRY_PREFIX))
      return refuse(
        "a trial is already pending (the default is a recovery entry): confirm it with 'pve-passthrough confirm', or roll it back first",
      );
    const pin = (p: string) => snap.files[p]?.split('\n')[0]?.trim() || null;
    const kver = pin('etc/kernel/next-boot-pin') ?? pin('etc/kernel/proxmox-boot-pin') ?? facts.kernels[0] ?? null;
    if (!kver) return refuse('no kernel found in /boot (vmlinuz-*): cannot name the boot entries');
    const oneshot = facts.entryDefault ?? `proxmox-${kver}.conf`;
    const recovery = `${ESP_ENTRY_PREFIX}${kver}.conf`;
    env = {
      LOADER: 'systemd-boot',
      RESTORE_DEFAULT: facts.entryDefault ?? '',
      ONESHOT: oneshot,
      RECOVERY_ENTRY: recovery,
      MGMT_IFACE: mgmt?.iface ?? '',
      MGMT_ADDRESS: mgmt?.address ?? '',
    };
    steps.push({
      argv: ['bootctl', 'set-default', recovery],
      reason:
        'the recovery entry becomes the default (EFI variable LoaderEntryDefault) until the trial boot is confirmed',
      undo: ['bootctl', 'set-default', facts.entryDefault ?? ''],
    });
    steps.push({
      argv: ['bootctl', 'set-oneshot', oneshot],
      reason: `the next boot only: ${oneshot} with the new configuration (LoaderEntryOneShot)`,
      undo: ['bootctl', 'set-oneshot', ''],
    });
  }

  // One id per trial: the new configuration it tries (what the rest of the plan writes).
  const tried = b
    .changed()
    .filter((p) => !Object.values(TRIAL).includes(p as never))
    .map((p) => `${p}\0${b.read(p) ?? ''}`);
  const id = createHash('sha256')
    .update(`${env.LOADER}\0${tried.join('\0')}`)
    .digest('hex')
    .slice(0, 12);
  const unitIsNew = (snap.files[TRIAL.unit] ?? null) === null;
  b.write(TRIAL.script, trialScriptText(), REASON, 0o755);
  b.write(TRIAL.unit, trialUnitText(), REASON, 0o644);
  b.write(TRIAL.env, trialEnvText({ TRIAL_ID: id, ...env }), REASON, 0o644);
  if (unitIsNew) {
    // Undone before the rollback deletes the unit file (disable needs it to find the links).
    b.step('boot', {
      kind: 'command',
      argv: ['systemctl', 'enable', TRIAL_UNIT_NAME],
      reason: 'run the confirmation at the next boot',
      undoFirst: ['systemctl', 'disable', TRIAL_UNIT_NAME],
    });
  }
  for (const s of steps) b.step('boot', { kind: 'command', argv: s.argv, reason: s.reason, undoLast: s.undo });
}
