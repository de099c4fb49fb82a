// The files the planner owns on a host, and the generated content of each. Generated whole
// (not patched) so planning what is already there gives byte-identical text: an empty plan.

import type { VfSettings } from '../types.ts';
import { parseVfSettingsWords, vfSettingsArgs } from '../vf-settings.ts';

export const OWN = {
  modprobe: 'etc/modprobe.d/pve-passthrough.conf',
  modulesLoad: 'etc/modules-load.d/pve-passthrough.conf',
  initTop: 'etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio',
  sriovRules: 'etc/udev/rules.d/70-pve-passthrough-sriov.rules',
} as const;

export const HEADER = '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\n';

/**
 * The kill switch, on the recovery boot entry's kernel command line. `pve-passthrough=off` makes
 * our init-top script bind nothing. `module_blacklist=vfio_pci` keeps vfio-pci from claiming
 * devices by `ids=`: it is the kernel's own parameter (Documentation/admin-guide/
 * kernel-parameters.txt, commit be7de5f91fdc "modules: Add kernel parameter to blacklist
 * modules"): load_module() refuses a listed module whoever asks for it, so it also holds against
 * /etc/modules-load.d and `softdep <drv> pre: vfio-pci`. `modprobe.blacklist=` does not: kmod
 * reads it as a `blacklist` line, which only stops loading through an alias, never by name (what
 * modules-load.d and softdeps do). A softdep that fails to load does not stop its host driver:
 * kmod_module_probe_insert_module() ignores errors of modules that are not required ("Ignore
 * errors from softdeps", libkmod-module.c), so igb still loads when vfio-pci is refused.
 */
export const KILL_SWITCH_WORD = 'pve-passthrough=off';
export const KILL_SWITCH = [KILL_SWITCH_WORD, 'module_blacklist=vfio_pci'] as const;

export const VFIO_MODULES = ['vfio', 'vfio_iommu_type1', 'vfio_pci'];

export function modprobeText(ids: string[], softdeps: Array<[string, string[]]>): string | null {
  if (!ids.length && !softdeps.length) return null;
  const lines = [HEADER.trimEnd()];
  if (ids.length) lines.push(`options vfio-pci ids=${ids.join(',')}`);
  for (const [drv] of softdeps) lines.push(`softdep ${drv} pre: vfio-pci`);
  return `${lines.join('\n')}\n`;
}

export function modulesLoadText(modules: string[]): string | null {
  return modules.length ? `${HEADER}${modules.join('\n')}\n` : null;
}

/**
 * initramfs-tools init-top script: runs before udev and before any host driver can claim the
 * device, and pins each listed address to vfio-pci through driver_override — only when the
 * vendor:device found there is the one expected, so a card moved into that slot stays with its
 * own driver (the same guard as Unraid's `BDF|vendor:device`). TrueNAS binds the same way.
 * Then it makes the binding happen whatever is loaded already: a driver holding the device is
 * unbound, and an already registered vfio-pci is asked to probe it (seen on a real boot: with
 * vfio-pci registered before the script, driver_override alone left the card with no driver).
 */
export function initTopText(entries: Array<{ address: string; id: string }>): string | null {
  if (!entries.length) return null;
  const binds = entries.map((e) => `bind ${e.address} ${e.id}`).join('\n');
  return `#!/bin/sh
${HEADER}# Pins single PCI functions to vfio-pci by address, guarded by vendor:device.
# Shell built-ins only: the initramfs may have klibc's tools without busybox (no sed).
PREREQ=""
prereqs() { echo "$PREREQ"; }
case "$1" in prereqs) prereqs; exit 0 ;; esac

# Overridable only so tests can run this script on a copy of a node's tree.
sys="\${PVE_PASSTHROUGH_SYSFS:-/sys}"
log="\${PVE_PASSTHROUGH_LOG:-/dev/kmsg}"
cmdline="\${PVE_PASSTHROUGH_CMDLINE:-/proc/cmdline}"

# The kill switch: booted with ${KILL_SWITCH_WORD} (the recovery boot entry) nothing is bound here.
words=""
[ -r "$cmdline" ] && read -r words <"$cmdline"
case " $words " in
*" ${KILL_SWITCH_WORD} "*)
	echo "pve-passthrough: ${KILL_SWITCH_WORD} on the kernel command line: no device bound to vfio-pci" >>"$log"
	exit 0
	;;
esac

bind() {
	dev="$sys/bus/pci/devices/$1"
	if [ ! -e "$dev/vendor" ]; then
		echo "pve-passthrough: $1 not present, skipped" >>"$log"
		return 0
	fi
	read -r vendor <"$dev/vendor"
	read -r device <"$dev/device"
	found="\${vendor#0x}:\${device#0x}"
	if [ "$found" != "$2" ]; then
		echo "pve-passthrough: $1 is $found, expected $2: not bound to vfio-pci" >>"$log"
		return 0
	fi
	echo vfio-pci >"$dev/driver_override"
	# driver_override alone only steers the next probe. A driver that already holds the device
	# (built in, or loaded before this script) lets go of it first; and when vfio-pci is already
	# registered nothing probes the device again by itself: ask the PCI core to, so the binding
	# does not depend on the order in which vfio-pci and the host driver load.
	if [ -e "$dev/driver" ] && ! [ "$dev/driver" -ef "$sys/bus/pci/drivers/vfio-pci" ]; then
		echo "pve-passthrough: $1 released by its driver for vfio-pci" >>"$log"
		echo "$1" >"$dev/driver/unbind"
	fi
	if [ -e "$sys/bus/pci/drivers/vfio-pci" ] && ! [ -e "$dev/driver" ]; then
		echo "pve-passthrough: $1 probed now: vfio-pci is already registered" >>"$log"
		echo "$1" >"$sys/bus/pci/drivers_probe"
	fi
}

${binds}
exit 0
`;
}

/** The address entries of our init-top script (to read back what is reserved by address). */
export function parseInitTop(text: string | null): Array<{ address: string; id: string }> {
  if (!text) return [];
  return [...text.matchAll(/^bind (\S+) (\S+)$/gm)].map((m) => ({ address: m[1]!, id: m[2]! }));
}

/**
 * VF counts persist through a udev rule rather than a systemd unit: the rule fires whenever the
 * PF gets its driver (boot, hotplug, driver reload), where a unit runs once and can race it.
 *
 * The events are `bind` (kernel >= 4.14, systemd-udevd >= 235) and `add` with the PF driver
 * already bound. At a hotplug `add` no driver is bound yet and the kernel refuses a write to
 * sriov_numvfs (it needs the PF driver's sriov_configure): `DRIVER==` skips that one, and `bind`
 * follows once the driver's probe succeeded (a module loaded late, or reloaded). `bind` alone is
 * not enough: seen on a real Debian 12 boot (kernel lab), when the PF driver is in the initramfs
 * (MODULES=most brings every NIC and storage driver) it binds there, before the root file
 * system's rules exist, and the boot's coldplug (`udevadm trigger --action=add`) replays only
 * `add`: the coldplug `add` carries DRIVER= and the write succeeds then. `DRIVER==` also keeps
 * the rule off other drivers (vfio-pci binding the PF must not get VFs). Writing the count the
 * PF already has is a no-op for the kernel, so both events firing is harmless.
 */
export function sriovRulesText(
  counts: Array<[string, number, string | null]>,
  settings: VfRuleSettings = new Map(),
): string | null {
  const live = counts.filter(([, n]) => n > 0);
  if (!live.length) return null;
  const rules = live.map(
    ([addr, n, driver]) =>
      `ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="${addr}", ${driver ? `DRIVER=="${driver}", ` : ''}ATTR{sriov_numvfs}="${n}"${vfRuns(settings.get(addr), n)}`,
  );
  return `${HEADER}${rules.join('\n')}\n`;
}

/**
 * Per PF: its interface and the settings of each VF, kept in the PF's own rule line as
 * `RUN+="/bin/ip link set dev <pf-if> vf N ..."`. Order at boot: udev writes ATTR{} values while
 * it processes the rules, and runs the RUN+= programs only after every rule of the event was
 * processed (udev(7), RUN), one after another; the sriov_numvfs write returns once the driver has
 * created the VFs. So each `ip link set ... vf N` runs after the count is in place, on the same
 * add|bind event. The PF's interface exists then: its net device is registered in the driver's
 * probe, before the bind event, and udevd holds a parent's event until its children's (the net
 * device's rename) are done. /bin/ip: iproute2's path on Debian, merged /usr or not.
 */
export type VfRuleSettings = Map<string, { ifname: string; vfs: Map<number, VfSettings> }>;

export const IP_BIN = '/bin/ip';

function vfRuns(s: { ifname: string; vfs: Map<number, VfSettings> } | undefined, count: number): string {
  if (!s) return '';
  return [...s.vfs.entries()]
    .filter(([vf, v]) => vf < count && vfSettingsArgs(v).length)
    .sort((a, b) => a[0] - b[0])
    .map(([vf, v]) => `, RUN+="${IP_BIN} link set dev ${s.ifname} vf ${vf} ${vfSettingsArgs(v).join(' ')}"`)
    .join('');
}

/** The VF settings our rules file keeps (RUN+= entries), per PF. */
export function parseSriovRuleSettings(text: string | null): VfRuleSettings {
  const out: VfRuleSettings = new Map();
  for (const line of (text ?? '').split('\n')) {
    if (line.trim().startsWith('#')) continue;
    const kernel = /\bKERNEL=="([^"]+)"/.exec(line)?.[1];
    if (!kernel) continue;
    for (const m of line.matchAll(/RUN\+="\S*\/ip link set dev (\S+) vf (\d+) ([^"]*)"/g)) {
      const settings = parseVfSettingsWords(m[3]!.split(' ').filter(Boolean));
      if (!settings) continue;
      const e = out.get(kernel) ?? { ifname: m[1]!, vfs: new Map<number, VfSettings>() };
      e.vfs.set(Number(m[2]), settings);
      out.set(kernel, e);
    }
  }
  return out;
}

/**
 * PF address -> count from our rules file. Reads both this format and the earlier
 * `ACTION=="add", SUBSYSTEM=="pci", KERNEL=="<addr>", ATTR{sriov_numvfs}="N"` (so a node
 * upgraded from an older version keeps its counts, and the next VF plan rewrites the rule).
 */
export function parseSriovRules(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    if (line.trim().startsWith('#')) continue;
    const kernel = /\bKERNEL=="([^"]+)"/.exec(line)?.[1];
    const count = /\bATTR\{sriov_numvfs\}="(\d+)"/.exec(line)?.[1];
    if (kernel && count !== undefined) out.set(kernel, Number(count));
  }
  return out;
}
