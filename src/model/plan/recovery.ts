// The way back from a bad boot: a boot entry with the kill switch (KILL_SWITCH: our init-top
// script binds nothing, vfio-pci is refused by the kernel), kept whenever any reservation of ours
// is active, for both boot loaders a Proxmox VE node uses.
//
// Facts relied on (read, not run: Proxmox VE cannot be installed here):
// - proxmox-kernel-helper (read at github.com/jiangcuo/proxmox-kernel-helper, a port of
//   Proxmox's package, commit 002b7b17; upstream git.proxmox.com is not in reach):
//   * src/proxmox-boot/zz-proxmox-boot, copy_and_config_kernels(): each ESP listed in
//     /etc/kernel/proxmox-boot-uuids gets, per kernel, EFI/proxmox/<kver>/{vmlinuz,initrd.img}-<kver>
//     and loader/entries/proxmox-<kver>.conf with `title`, `version`, `options <first line of
//     /etc/kernel/cmdline>`, `linux`, `initrd` lines. remove_old_kernels_efi() deletes only
//     EFI/proxmox/<kver> and loader/entries/proxmox-<kver>.conf: other entries are left alone,
//     so ours must be renewed (and cleaned) by us. The ESPs are mounted by UUID
//     (/dev/disk/by-uuid/<uuid>) in a private mount namespace (functions: reexec_in_mountns).
//   * the same script runs from /etc/kernel/postinst.d (configure) and /etc/kernel/postrm.d
//     (remove), i.e. through run-parts at every kernel install and removal; run-parts runs in
//     name order, so our zz-pve-passthrough-recovery runs after zz-proxmox-boot.
//   * src/bin/proxmox-boot-tool, refresh(): runs only `proxmox-auto-removal` and
//     `zz-proxmox-boot` from /etc/kernel/postinst.d, not other hooks: the plan runs ours itself
//     after `proxmox-boot-tool refresh`.
//   * src/proxmox-boot/functions, set_systemd_boot_default(): loader.conf says
//     `default proxmox-*` (or `proxmox-<kver>.conf` when pinned): an entry named
//     pve-passthrough-recovery-*.conf never becomes the default by that glob.
//   * for ESPs in GRUB mode (legacy BIOS on ZFS) zz-proxmox-boot runs update-grub with the ESP
//     bind-mounted on /boot: /etc/grub.d/ scripts of the root run there too, so the GRUB
//     script below is written on those nodes as well.
// - GRUB (Debian's /etc/grub.d/10_linux): grub-mkconfig runs every executable /etc/grub.d/*
//   in name order at each update-grub (kernel packages call it from postinst.d/zz-update-grub),
//   with GRUB_CMDLINE_LINUX(_DEFAULT) etc. exported. 10_linux lists kernels newest first; with
//   GRUB_DISABLE_SUBMENU=true every entry is a top-level `menuentry '<OS>, with Linux <ver>'
//   ... $menuentry_id_option 'gnulinux-<ver>-advanced-<id>' {` block closed by `}` in column 0,
//   and the kernel line gets "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}". Our script
//   reruns 10_linux with the switch added to GRUB_CMDLINE_LINUX_DEFAULT and keeps its first
//   entry (the newest kernel), renamed, with its own id: root device, LVM and ZFS handling stay
//   10_linux's own, and the entry follows every kernel update.
import { cmdlineWords } from '../kernel-cmdline.ts';
import type { HostSnapshot } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { HEADER, KILL_SWITCH, KILL_SWITCH_WORD, OWN } from './files.ts';

export const RECOVERY = {
  grub: 'etc/grub.d/42_pve-passthrough-recovery',
  espInstall: 'etc/kernel/postinst.d/zz-pve-passthrough-recovery',
  espRemove: 'etc/kernel/postrm.d/zz-pve-passthrough-recovery',
} as const;

/** The GRUB menu entry's id (for grub-reboot / grub-set-default) and its title's suffix. */
export const GRUB_RECOVERY_ID = 'pve-passthrough-recovery';
export const RECOVERY_TITLE = 'passthrough off (pve-passthrough recovery)';
/** systemd-boot entry file names on each ESP: pve-passthrough-recovery-<kver>.conf. */
export const ESP_ENTRY_PREFIX = 'pve-passthrough-recovery-';

export function grubRecoveryText(): string {
  return `#!/bin/sh
${HEADER}# Adds a boot menu entry for the newest kernel with passthrough off (${KILL_SWITCH.join(' ')}).
# Run by update-grub (grub-mkconfig) at every kernel update: the entry follows the newest kernel.
# It reruns 10_linux with the switch added and keeps its first entry, renamed, with its own id.
set -e
linux="\${PVE_PASSTHROUGH_GRUB_LINUX:-/etc/grub.d/10_linux}"
if [ ! -x "$linux" ]; then
	echo "pve-passthrough: $linux not found: no recovery entry" >&2
	exit 0
fi
echo "Adding boot menu entry: ${RECOVERY_TITLE}" >&2
GRUB_CMDLINE_LINUX_DEFAULT="\${GRUB_CMDLINE_LINUX_DEFAULT:-} ${KILL_SWITCH.join(' ')}" \\
GRUB_DISABLE_SUBMENU=true GRUB_DISABLE_RECOVERY=true \\
	"$linux" 2>/dev/null | sed -n \\
	-e "/^menuentry /,/^}/{" \\
	-e "s/^menuentry '\\([^']*\\)'/menuentry '\\1 - ${RECOVERY_TITLE}'/" \\
	-e "s/[$]menuentry_id_option '[^']*'/\\$menuentry_id_option '${GRUB_RECOVERY_ID}'/" \\
	-e "p" -e "/^}/q" -e "}"
`;
}

/**
 * The kernel hook (postinst.d and postrm.d) that writes, on every ESP proxmox-boot-tool manages,
 * a copy of each proxmox-<kver>.conf entry with the switch added to its options. `--remove`
 * only deletes our entries (the plan that removes the last reservation runs that first).
 */
export function espHookText(): string {
  return `#!/bin/sh
${HEADER}# On every ESP in /etc/kernel/proxmox-boot-uuids: for each loader/entries/proxmox-<kver>.conf
# that proxmox-boot-tool wrote, a ${ESP_ENTRY_PREFIX}<kver>.conf booting the same kernel
# with passthrough off (${KILL_SWITCH.join(' ')}). Renewed at every kernel install and
# removal (runs after zz-proxmox-boot); \`--remove\` deletes them only.
esp_list="\${PVE_PASSTHROUGH_ESP_LIST:-/etc/kernel/proxmox-boot-uuids}"
# Overridable only so tests can run this on ESP folders without mounting anything.
esp_root="\${PVE_PASSTHROUGH_ESP_ROOT:-}"
mode=sync
[ "\${1:-}" = "--remove" ] && mode=remove
[ -f "$esp_list" ] || exit 0
if [ -z "$esp_root" ] && [ -z "\${PVE_PASSTHROUGH_UNSHARED:-}" ]; then
	# Like zz-proxmox-boot: mounts in a private namespace go away with the process.
	export PVE_PASSTHROUGH_UNSHARED=1
	exec unshare --mount --propagation private "$0" "$@"
fi

recovery_entry() {
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		title*) printf '%s\\n' "$line - ${RECOVERY_TITLE}" ;;
		options*) printf '%s\\n' "$line ${KILL_SWITCH.join(' ')}" ;;
		*) printf '%s\\n' "$line" ;;
		esac
	done <"$1"
}

status=0
while IFS= read -r uuid || [ -n "$uuid" ]; do
	[ -n "$uuid" ] || continue
	if [ -n "$esp_root" ]; then
		esp="$esp_root/$uuid"
	else
		dev="/dev/disk/by-uuid/$uuid"
		if [ ! -e "$dev" ]; then
			echo "pve-passthrough: ESP $uuid: $dev does not exist, skipped" >&2
			continue
		fi
		esp="/var/tmp/pve-passthrough-espmounts/$uuid"
		if ! mkdir -p "$esp" || ! mount "$dev" "$esp"; then
			echo "pve-passthrough: ESP $uuid: mount failed, no recovery entry there" >&2
			status=1
			continue
		fi
	fi
	entries="$esp/loader/entries"
	if [ -d "$entries" ]; then
		rm -f "$entries"/${ESP_ENTRY_PREFIX}*.conf "$entries"/${ESP_ENTRY_PREFIX}*.conf.tmp
		if [ "$mode" = sync ]; then
			for entry in "$entries"/proxmox-*.conf; do
				[ -f "$entry" ] || continue
				kver="\${entry##*/proxmox-}"
				kver="\${kver%.conf}"
				out="$entries/${ESP_ENTRY_PREFIX}$kver.conf"
				if recovery_entry "$entry" >"$out.tmp" && mv "$out.tmp" "$out"; then
					echo "pve-passthrough: ESP $uuid: recovery entry for $kver" >&2
				else
					status=1
				fi
			done
		fi
	fi
	if [ -z "$esp_root" ]; then
		umount "$esp" || status=1
		rmdir "$esp" 2>/dev/null || true
	fi
done <"$esp_list"
exit $status
`;
}

/** What `check` reports: booted through the recovery entry; reservations without the entry. */
export function recoveryState(snap: HostSnapshot): {
  bootedWithSwitch: boolean;
  reservations: boolean;
  missing: string[];
} {
  const has = (p: string) => snap.files[p] !== undefined;
  const reservations = has(OWN.initTop) || has(OWN.modprobe);
  const want =
    snap.bootloader.kind === 'grub'
      ? [RECOVERY.grub]
      : snap.bootloader.kind === 'systemd-boot'
        ? [RECOVERY.espInstall, RECOVERY.espRemove]
        : [];
  return {
    bootedWithSwitch: cmdlineWords(snap.iommu.cmdline).includes(KILL_SWITCH_WORD),
    reservations,
    missing: want.filter((p) => !has(p)),
  };
}

const REASON = `recovery boot entry: boots with passthrough off (${KILL_SWITCH.join(' ')}) while any device is reserved`;

/**
 * Keeps the recovery entry whenever a reservation of ours is active after this plan, and removes
 * it with the last one. Runs only when reservations change (so a plan of nothing stays empty).
 */
export function planRecovery(snap: HostSnapshot, b: PlanBuilder): void {
  const active = b.read(OWN.initTop) !== null || b.read(OWN.modprobe) !== null;
  const { kind } = snap.bootloader;
  if (kind === 'unknown') {
    if (active)
      b.warn(
        'recovery entry',
        'boot loader not found (neither /etc/kernel/cmdline nor /etc/default/grub): no recovery boot entry; add one by hand with pve-passthrough=off module_blacklist=vfio_pci',
      );
    return;
  }
  const before = (p: string) => snap.files[p] ?? null;
  b.write(RECOVERY.grub, active ? grubRecoveryText() : null, REASON, 0o755);
  if (kind === 'systemd-boot') {
    b.write(RECOVERY.espInstall, active ? espHookText() : null, REASON, 0o755);
    b.write(RECOVERY.espRemove, active ? espHookText() : null, REASON, 0o755);
  }
  const changed = b.changed();
  const grubChanged = changed.includes(RECOVERY.grub);
  const hookChanged = changed.includes(RECOVERY.espInstall) || changed.includes(RECOVERY.espRemove);
  if (kind === 'grub' && grubChanged) {
    b.step('boot', {
      kind: 'command',
      argv: ['update-grub'],
      reason: active ? 'add the recovery entry to the boot menu' : 'remove the recovery entry from the boot menu',
    });
  }
  if (kind === 'systemd-boot' && (grubChanged || hookChanged)) {
    b.step('boot', {
      kind: 'command',
      argv: ['proxmox-boot-tool', 'refresh'],
      reason: 'renew the boot entries on every ESP (an ESP booting GRUB gets the recovery menu entry)',
    });
    if (active) {
      // Undone by the new hook's --remove (before the rollback deletes it), or by the old hook run again.
      const undo =
        before(RECOVERY.espInstall) === null
          ? { undoFirst: [`/${RECOVERY.espInstall}`, '--remove'] }
          : { undoLast: [`/${RECOVERY.espInstall}`] };
      b.step('boot', {
        kind: 'command',
        argv: [`/${RECOVERY.espInstall}`],
        reason: 'write the recovery entry on every ESP (proxmox-boot-tool refresh does not run other hooks)',
        ...undo,
      });
    } else if (before(RECOVERY.espInstall) !== null) {
      // Before the hook itself is deleted: it is the one that knows how to mount the ESPs.
      b.step('before-files', {
        kind: 'command',
        argv: [`/${RECOVERY.espInstall}`, '--remove'],
        reason: 'delete the recovery entries from every ESP',
        undoLast: [`/${RECOVERY.espInstall}`],
      });
    }
  }
}
