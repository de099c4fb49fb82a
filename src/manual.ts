// The manual page, generated from the same tables the program runs on (sub-commands, keymap,
// exit codes, files it writes), so it cannot drift. `node --import tsx scripts/gen-man.ts`.
import { EXIT } from './cli/command.ts';
import { commands } from './cli/commands.ts';
import { OWN } from './model/plan/files.ts';
import { RECOVERY } from './model/plan/recovery.ts';
import { TRIAL, TRIAL_STATE, TRIAL_WAIT_SECONDS } from './model/plan/trial.ts';
import { STATE_DIR } from './host/state.ts';
import { KEYMAP, type KeyContext } from './ui/keymap.ts';
import { version } from './version.ts';

const EXIT_MEANING: Record<keyof typeof EXIT, string> = {
  ok: 'success (also: nothing to do)',
  failure: 'runtime failure; an apply that failed was rolled back',
  usage:
    'bad usage (unknown option, stray argument, malformed value, --root that is not a folder), or no terminal for the full-screen program',
  blocked:
    'the plan has blocking errors, apply was not confirmed with --yes, check found errors, or rollback would overwrite files changed since the apply (see rollback --force)',
  refused:
    'refused before anything ran: not root on a real node, another instance holds the lock, an interrupted apply must be rolled back first, the host changed since the plan, a path leads out of --root',
  attention:
    "needs you: (status) the node came back through the recovery entry, or the trial boot's confirmation gave up (the default is still the recovery entry); (monitor) at least one alert is active in the last sample (a link down that VMs or the management address depend on, error or drop counters rising)",
};

export const FILES: Array<[string, string]> = [
  [
    `/${OWN.modprobe}`,
    'softdep lines for devices reserved by vendor:device, and the options vfio-pci ids= list only when no other file has one (there is one list: see /etc/modprobe.d/*.conf)',
  ],
  [
    `/${OWN.initTop}`,
    'initramfs init-top script pinning single addresses to vfio-pci (driver_override, guarded by vendor:device)',
  ],
  [`/${OWN.modulesLoad}`, 'vfio, vfio_iommu_type1, vfio_pci at boot (only those not loaded by another file)'],
  [
    `/${OWN.sriovRules}`,
    'udev rule that restores SR-IOV VF counts at boot once the PF driver is bound (ACTION=="add|bind", DRIVER==the PF driver): a bare add event comes before the driver and the kernel refuses the write; a driver bound in the initramfs is seen through the coldplug add (which carries DRIVER=), one loaded later through bind (both seen on a real Debian 12 boot in the kernel lab). Rules of earlier versions are read and rewritten at the next VF change',
  ],
  [
    `/${OWN.sriovRules} (VF settings)`,
    "per-VF settings (--vf, or the VF editor) ride on their PF's rule line as RUN+=\"/bin/ip link set dev PF-IF vf N mac .. vlan .. qos .. trust on/off spoofchk on/off state auto/enable/disable\": udev writes ATTR{sriov_numvfs} while it processes the rules and runs the RUN+= programs only after all rules of the event, one after another, so the settings always follow the count (the write returns once the VFs exist); the PF's interface is there and named by then (its net device comes with the driver's probe, before the bind event). Setting a VF of a PF whose count another writer keeps adopts that writer as --vfs does",
  ],
  [
    '/etc/network/interfaces(.d): ip link set PF-IF vf N ...',
    'a hand-made pre-up/up/post-up line setting a VF of a PF you give VF settings to: its settings move into the rule above (yours over them) and the line is commented out behind a note (a line running other commands too is left, with a warning)',
  ],
  [
    '/etc/modprobe.d/*.conf',
    "the vfio-pci ids= list where it lives: modprobe reads these files in name order and the last ids= wins (the kernel command line's vfio-pci.ids= after all of them), so a reservation or release by id edits that one line in place (an admin's vfio.conf keeps its list, with the new id added); an ids= line that a later one overrides is commented out behind a note saying where the list lives. The plan and the pending pane show the list before -> after. Everything else kept",
  ],
  [
    '/etc/udev/rules.d/*.rules, /etc/systemd/system/*.service, /etc/network/interfaces(.d)',
    'only when you set the VF count of a PF that another writer also sets at boot (an admin udev rule on the pci or net event, a unit or a pre-up/up/post-up line echoing into sriov_numvfs): that line is commented out behind a note, the count moves into the rule above (a rule for several PFs hands their live counts over too); a unit left with nothing to run is named for systemctl disable',
  ],
  [
    `/${RECOVERY.grub}`,
    'the recovery boot entry for GRUB (see WHEN THE NODE DOES NOT COME BACK), while any device is reserved; also on proxmox-boot-tool nodes, for ESPs that boot GRUB',
  ],
  [
    `/${RECOVERY.espInstall}, /${RECOVERY.espRemove}`,
    'proxmox-boot-tool nodes: kernel hook writing the recovery entries (loader/entries/pve-passthrough-recovery-VERSION.conf) on every ESP, while any device is reserved',
  ],
  [
    '/etc/kernel/cmdline or /etc/default/grub',
    'only when the IOMMU is off in the kernel: intel_iommu=on (firmware has VT-d, DMAR table) with iommu=pt, or drops an amd_iommu=off / intel_iommu=off / iommu=off; never amd_iommu=on (not a kernel option); nothing when the firmware has no IOMMU table',
  ],
  ['/etc/pve/qemu-server/VMID.conf', 'never written directly: changed by qm set (the file is shown as a diff)'],
  [
    '/etc/pve/mapping/pci.cfg',
    "the cluster's PCI resource mappings; never written directly: changed by pvesh create|set|delete /cluster/mapping/pci (the file is shown as a diff, as Proxmox writes it: map lines first, then the other keys sorted, comments dropped). Extending a mapping, or naming a device already in it, fills in the subsystem-id and iommugroup an existing entry lacks for its device (Proxmox refuses an entry without them, and check reports it as an error), with a warning",
  ],
  [
    '/etc/pve/corosync.conf, /etc/pve/.members',
    'read only: whether this node is in a cluster, its nodes and which are online',
  ],
  [
    '/etc/pve/nodes/NODE/qemu-server/VMID.conf',
    'read only, for each other cluster node (pmxcfs replicates them, so also while the node is down): the VMs whose hostpci lines name a resource mapping; deleting that mapping (--unmap, Ctrl-D in the mapping dialog) is refused naming the node and VM',
  ],
  ['/sys/bus/pci/devices/ADDR/sriov_numvfs', 'live VF count (through 0 when changing a non-zero count)'],
  [
    `/${TRIAL.unit}`,
    `the trial boot's confirmation (apply --trial): enabled by the apply (systemctl enable, undone by rollback), runs /${TRIAL.script} --wait at every boot while /${TRIAL.env} exists; Type=exec, so the wait never holds up the boot`,
  ],
  [
    `/${TRIAL.script}`,
    `the confirmation: does nothing once this trial is confirmed; on a boot with pve-passthrough=off records ${TRIAL_STATE.recovered} and exits 3; with --wait waits up to ${TRIAL_WAIT_SECONDS}s (every 5s) for the management interface to be up with its address and for systemctl is-active pve-cluster (gives up with ${TRIAL_STATE.unconfirmed}, exit 1); then puts the normal default back (grub-editenv /boot/grub/grubenv unset next_entry and saved_entry as it was; or bootctl set-oneshot '' and set-default as it was) and records ${TRIAL_STATE.confirmed}`,
  ],
  [
    `/${TRIAL.env}`,
    'the pending trial, written by the apply (rollback removes it): TRIAL_ID, LOADER, RESTORE_DEFAULT (the default to put back), ONESHOT (the entry booted once), RECOVERY_ENTRY, MGMT_IFACE and MGMT_ADDRESS (the interface with the gateway in /etc/network/interfaces)',
  ],
  [
    `/${TRIAL.grubDropIn}`,
    'GRUB only, when GRUB_DEFAULT was unset or 0: GRUB_DEFAULT=saved, so the trial can switch the default in grubenv (with no saved_entry GRUB boots the first entry, as before)',
  ],
  [
    `/${STATE_DIR}/${TRIAL_STATE.confirmed}, ${TRIAL_STATE.recovered}, ${TRIAL_STATE.unconfirmed}`,
    "one line each, written by the confirmation only (never part of an apply's record): TRIAL_ID TIME how (unit --wait, manual) or why; pve-passthrough status reads them",
  ],
  [
    '/sys/class/net/IF/address',
    "read only: every interface's MAC, so a VF MAC already on the node (an interface, another VF, a staged or kept setting) is refused",
  ],
  [
    `/${STATE_DIR}/backups/TIME/`,
    'the write-ahead record of one apply: files/ (every file as it was, byte for byte), after/ (what the apply wrote), manifest.json (each file with the sha256 of its bytes before and after, VF counts, the refresh commands), journal (a line before and after each step; its last line says whether the apply is done, was put back or rolled back)',
  ],
  [
    `/${STATE_DIR}/in-progress`,
    'present from the moment the record is complete until the apply (or its undo) has ended: a leftover one is an interrupted apply',
  ],
  [`/${STATE_DIR}/history.log`, 'one line per apply or rollback: time, user, summary, result'],
  [
    'DIR/.NAME.pvept-PID.tmp',
    'beside each file written directly: the new content (mode 0600 until complete), fsync-ed, then renamed over NAME; one left by a killed process is removed by the next apply or rollback',
  ],
];

/** Written outside --root. */
export const OTHER_FILES: Array<[string, string]> = [
  [
    '/var/log/pve-passthrough/pve-passthrough-crash-TIME-PID.log',
    'crash report (full-screen program on a real node); else under $XDG_STATE_HOME/pve-passthrough/, else $TMPDIR (default /tmp); the path is printed',
  ],
  [
    '$TMPDIR/pve-passthrough-demo-XXXXXX/',
    'the demo host: removed on exit unless something was committed into it (then its path is printed)',
  ],
  [
    '$TMPDIR/pve-passthrough-XXXXXX/',
    'standalone executable only: the program unpacked at start into a private folder, removed once loaded',
  ],
];

const COMMANDS_RUN = [
  'apply --trial, GRUB: update-grub (GRUB_DEFAULT=saved), grub-set-default pve-passthrough-recovery, grub-reboot ENTRY (the normal entry: saved_entry as it was, else 0); undone by grub-editenv /boot/grub/grubenv set|unset saved_entry, unset next_entry',
  "apply --trial, systemd-boot: bootctl set-default pve-passthrough-recovery-KVER.conf, bootctl set-oneshot proxmox-KVER.conf (or the LoaderEntryDefault you had); undone by bootctl set-default (as it was, '' removes it), bootctl set-oneshot ''",
  'apply --trial: systemctl enable pve-passthrough-trial.service (undone by systemctl disable)',
  'qm set VMID --hostpciN ... [--machine q35] [--delete hostpciN]',
  'pvesh create /cluster/mapping/pci --id NAME --map ENTRY... [--description TEXT], pvesh set /cluster/mapping/pci/NAME --map ENTRY..., pvesh delete /cluster/mapping/pci/NAME (each undone by the reverse call, then the file compared with its backup)',
  'update-initramfs -u -k all',
  'proxmox-boot-tool refresh (systemd-boot / ZFS root) or update-grub',
  '/etc/kernel/postinst.d/zz-pve-passthrough-recovery [--remove] (after proxmox-boot-tool refresh; --remove before the hook is deleted)',
];
const COMMANDS_READ = [
  'dmesg',
  'zpool status -P',
  'pvs --noheadings -o pv_name,vg_name',
  'ip -s -d -j link show PF, or ip -s -d -j link show when more than four PFs have VFs (monitor, and the Monitor view every interval: VF settings and counters)',
  "pvesh get /nodes/NODE/hardware/pci --pci-class-blacklist '' --output-format json (each other online cluster node: its devices, for resource mappings; at most 20 s a node; the full-screen program draws its first screen without waiting, shows 'being read' until they answer, and ends them when it quits)",
];
// Per-VF settings (issue 15).
COMMANDS_RUN.push(
  'ip link set PF-IF vf N mac .. vlan .. qos .. trust .. spoofchk .. state .. (after the VF count; undone with the previous values)',
);
COMMANDS_READ.push(
  "ip -d -j link show PF-IF (each SR-IOV PF with an interface: its VFs' settings, vfinfo_list), or ip -d -j link show when there are more than four such PFs (the full-screen program asks after its first screen)",
);

const ENVIRONMENT: Array<[string, string]> = [
  ['NO_COLOR', 'set to any non-empty value: no colour (meaning is always also in words and symbols)'],
  ['TERM', 'dumb: no colour, ASCII glyphs; linux (the VGA console): 16 colours, ASCII glyphs and borders'],
  ['LC_ALL, LC_CTYPE, LANG', 'the first one set decides; without UTF-8 in it, ASCII glyphs'],
  [
    'XDG_STATE_HOME',
    'crash reports go to $XDG_STATE_HOME/pve-passthrough/ (after /var/log/pve-passthrough/ on a real node)',
  ],
  [
    'TMPDIR',
    "where the demo host, the standalone executable's unpacked program and a last-resort crash report go (default /tmp)",
  ],
  [
    'PVE_PASSTHROUGH_SYSTEM_PCI_IDS',
    'colon-separated pci.ids files to name devices with when the root tree has none of its own (usr/share/misc/pci.ids or usr/share/hwdata/pci.ids in it); default /usr/share/misc/pci.ids:/usr/share/hwdata/pci.ids of the machine running the program, empty: none',
  ],
  [
    'PVE_PASSTHROUGH_CRASH_TEST',
    'testing only: throw (or 1) crashes just after the first frame, reject leaves a promise rejection unhandled; shows that the terminal is restored and the report written',
  ],
];

const KEY_CONTEXTS = ['tree', 'pending', 'monitor', 'global', 'dialog'] as const satisfies readonly KeyContext[];
const CONTEXT_TITLE: Record<KeyContext, string> = {
  tree: 'Device tree',
  pending: 'Pending changes',
  monitor: 'Monitor view',
  global: 'Everywhere',
  dialog: 'Dialogs',
};

const COMMAND_LINE = [
  'Options are strict: an unknown option (long or short), a stray argument, a value given to an option that takes none, a single-valued option given twice, or a --root that is missing or not a folder is bad usage (exit 2), reported on standard error before anything is read. The only short options are -h (help) and -V (version). Every option that takes a value may be written --name value or --name=value; only the change options of plan and apply repeat. Arguments echoed in messages are cut to 60 characters.',
  'PCI addresses mean what they mean in a Proxmox hostpci line: 0000:06:00.1 (or 06:00.1) is one function, 0000:06:00 (or 06:00) is the slot, every function in it. --assign with a slot passes all functions (hostpciN: 0000:06:00); --reserve and --release with a slot act on each function present in it; --vfs needs one physical function, so a slot is taken only when it holds a single function.',
  "Resource mappings (Datacenter > Resource Mappings in the web interface) name a kind of device on each node of a cluster, so a VM can use it wherever it runs. --mapping NAME=ADDR[+ADDR...] creates NAME, or adds the devices to it: several devices make a pool, from which Proxmox gives a VM the first free one at start; NODE/ADDR names a device of another cluster node (from pvesh get /nodes/NODE/hardware/pci). A mapping holds one kind of device (the same vendor:device and subsystem id): another kind is refused, as are a name that is not a Proxmox id (a letter, then letters, digits, - or _), a device or node that is not there, and a bridge. The plan says which other nodes have devices of the mapping's kind but none in it (a VM with the mapping could not start or migrate there). --unmap NAME deletes a mapping, refused while a VM config still names it, on this node (unless the same plan removes that hostpci line) or on another cluster node (/etc/pve/nodes/NODE/qemu-server). --assign mapping:NAME=VMID[,pcie=1,x-vga=1,rombar=0] adds hostpciN: mapping=NAME to the VM. list shows, per mapping and node, whether it resolves (the checks Proxmox makes at VM start: vendor:device, subsystem id and IOMMU group) and what else of its kind the node has.",
  '--json prints one JSON document on standard output, also when a plan is blocked or an apply is refused or not confirmed; messages and progress go to standard error. If standard output is closed early (piped into head), output stops quietly and the command finishes with its own exit code. Errors from the system name the operation, the path and the code (cannot write /etc/x: no space left on device (ENOSPC)), exit 1.',
];

const POWER_CUT = [
  'Every apply first writes its record under /var/lib/pve-passthrough/backups/TIME/ (the files as they are, what they will become, a manifest with the hash of each) and fsyncs it, then the in-progress marker; only then does it change the host, one step at a time, with a journal line before and after each step. A file is replaced atomically (temp file, fsync, rename, fsync of the folder): after a power cut it holds either the old or the new content, never half of each. The lock is a socket the kernel drops with the process, so a killed apply never leaves a lock behind.',
  'Cut before the marker was written: nothing on the host changed; the next apply starts afresh. Cut after it, at any step (files written, VF counts changed, qm set run, update-initramfs or the boot loader refresh half-done): the marker is still there. The next start of any command says so (list and plan warn, check reports an error, apply refuses until it is resolved, the full-screen program opens with a dialog); pve-passthrough rollback puts back every file still different from its backup and every VF count, then re-runs the initramfs and boot loader refresh that had started, so the boot files match the restored configuration. Rollback can itself be cut and run again: what is already back is left alone.',
  "Cut after the journal's done line (the commit point): the apply is complete; the next start removes the marker, and rollback undoes it as usual.",
  'Rollback compares each file with what the apply wrote: a file changed since (by hand, or by a later apply) is not overwritten; its difference is shown and the exit code is 3, until rollback --force. rollback --list shows every apply with its status.',
];

const NO_COMING_BACK = [
  "While any device is reserved for vfio-pci the program keeps a recovery entry in the boot menu: the same kernel with pve-passthrough=off module_blacklist=vfio_pci on its command line. There the init-top script binds nothing and the kernel refuses to load vfio-pci at all (module_blacklist= is the kernel's own parameter: it holds against /etc/modules-load.d and softdep lines too), so every device comes up with its host driver: the storage controller, the management NIC.",
  'Where it is. GRUB: the last entry of the main menu, "... with Linux VERSION - passthrough off (pve-passthrough recovery)" (id pve-passthrough-recovery), for the newest kernel; /etc/grub.d/42_pve-passthrough-recovery writes it at every update-grub. systemd-boot (proxmox-boot-tool, UEFI on ZFS): one entry per kernel, titled "Proxmox Virtual Environment - passthrough off (pve-passthrough recovery)", listed above the normal ones (systemd-boot sorts entries without a sort key by file name, descending; the default stays the normal entry, loader.conf says default proxmox-*); press a key or hold Space while systemd-boot starts to see the menu. The kernel hook /etc/kernel/postinst.d/zz-pve-passthrough-recovery writes them on every ESP at every kernel install and removal (and the program runs it after proxmox-boot-tool refresh).',
  'If the node does not come back after a reboot: at its console (or IPMI/iKVM), choose the recovery entry. Once it is up, pve-passthrough check says that this boot runs with passthrough off; pve-passthrough rollback undoes the last apply (or release the device that took the host down: apply --release ADDR), then reboot into the normal entry. No entry in the menu (an older version wrote the reservations; check warns about it): edit the normal entry at the boot menu (e in GRUB or systemd-boot) and add pve-passthrough=off module_blacklist=vfio_pci to the linux / options line for this one boot.',
  'The entry goes with the last reservation: the plan that releases it removes the script and the hook (the hook first deletes its entries from every ESP), and update-grub or proxmox-boot-tool refresh rebuilds the menu.',
  'A trial boot makes that automatic. apply --trial (in the full-screen program: "Reboot with a trial" when the commit needs a reboot) adds to the plan: the recovery entry becomes the boot loader\'s default, and the boot loader\'s own one-shot setting boots the normal entry, with the new configuration, once (GRUB: grub-set-default and grub-reboot, which write saved_entry and next_entry in /boot/grub/grubenv; GRUB clears next_entry as it boots it. systemd-boot: bootctl set-default and set-oneshot, the EFI variables LoaderEntryDefault and LoaderEntryOneShot; systemd-boot removes the one-shot as it reads it). Then reboot. On that boot pve-passthrough-trial.service waits for the management address (the interface with the gateway in /etc/network/interfaces, up, with its address) and for pve-cluster to be active, then puts the normal default back and records the confirmation. If the node hangs, or is power-cycled before that, it boots the recovery entry: without passthrough, reachable, and pve-passthrough status says so (exit 5). If the node is fine but the unit could not tell (no gateway in the interfaces file, a cluster that takes longer than 10 minutes), run pve-passthrough confirm.',
  "pve-passthrough status [--json] says where the trial stands: armed (set up, not rebooted yet: the one-shot is still set), pending (the trial boot runs, not confirmed yet), confirmed, unconfirmed (the unit gave up; the default is still the recovery entry) or recovered. pve-passthrough confirm does what the unit does, without the wait; it refuses (exit 4) on a boot through the recovery entry and before the reboot, unless --force. pve-passthrough rollback of the trial's apply also puts the boot loader's default and one-shot back as they were, disables the unit and removes its files.",
  "Where a trial is refused, and why (the plan says so, the apply does not start): GRUB with /boot/grub on LVM, MD RAID, ZFS or btrfs (the Proxmox VE installer's ext4/xfs layout keeps /boot on the LVM volume pve-root): GRUB cannot write its environment block there, so the one-shot would never be cleared and every boot would try the new configuration; GRUB_DEFAULT set to anything but 0 or saved (in /etc/default/grub or /etc/default/grub.d/*.cfg, including a proxmox-boot-tool kernel pin): the trial does not override your choice, set GRUB_DEFAULT=saved and grub-set-default ENTRY first; systemd-boot when this boot did not come through it (no LoaderInfo EFI variable: legacy BIOS, or GRUB on the ESPs as with Secure Boot); a one-shot already set; a trial already pending; a plan that needs no reboot or leaves nothing reserved (no recovery entry). Then reboot without a trial and use the recovery entry by hand if needed. What the trial relies on about each boot loader is written down, with sources, at the top of src/model/plan/trial.ts.",
  "What a real boot has shown, and what not. systemd-boot (Debian 12's systemd-boot 252 under OVMF, in the project's kernel lab, with an ESP laid out as proxmox-boot-tool leaves it): apply --trial wrote the recovery entry on the ESP and set LoaderEntryDefault to it and LoaderEntryOneShot to the normal entry; the next boot took the normal entry, with passthrough, and systemd-boot deleted the one-shot; powered off without a confirmation, the boot after that came up through the recovery entry with pve-passthrough=off and the host driver; there the confirmation refused (exit 3) and pve-passthrough confirm --force removed both variables, so the normal entry booted again. bootctl list marks as (default) the entry that boots next: the normal entry while the one-shot is set, then the recovery entry until the trial is confirmed. Not booted: GRUB's one-shot (grub-reboot and grub-set-default rest on GRUB's documentation and source), and the unit's own wait for the management address and pve-cluster (the lab runs no systemd as init and no pve-cluster).",
];

const NODE_RULE =
  'With no --root, a machine with /etc/pve and /usr/sbin/qm is a Proxmox node and / is read; anywhere else the built-in demo host opens.';

export function manualMarkdown(): string {
  const out: string[] = [
    '# pve-passthrough(1)',
    '',
    '## NAME',
    'pve-passthrough, pvept - set up PCIe passthrough on a Proxmox VE node',
    '',
    '## SYNOPSIS',
    '`pve-passthrough [tui] [--root DIR | --demo]`  ',
    '`pve-passthrough list|check|plan|apply|rollback|history|status|confirm|monitor [options]`  ',
    '`pve-passthrough [COMMAND] --help` · `pve-passthrough --version` · `pve-passthrough --man`',
    '',
  ];
  out.push('## DESCRIPTION', `${DESCRIPTION}`, '', NODE_RULE, '');
  out.push('## COMMAND LINE', ...COMMAND_LINE.flatMap((p) => [p, '']));
  out.push('## IF THE POWER GOES OUT', ...POWER_CUT.flatMap((p) => [p, '']));
  out.push('## WHEN THE NODE DOES NOT COME BACK', ...NO_COMING_BACK.flatMap((p) => [p, '']));
  out.push('## COMMANDS');
  for (const c of commands) out.push(`### ${c.name}`, c.summary, '', '```', c.usage.trimEnd(), '```', '');
  out.push('## KEYS');
  for (const ctx of KEY_CONTEXTS) {
    out.push(`### ${CONTEXT_TITLE[ctx]}`, '| key | action |', '|---|---|');
    for (const b of KEYMAP.filter((x) => x.context === ctx)) out.push(`| \`${b.keys}\` | ${b.description} |`);
    out.push('');
  }
  out.push('## EXIT CODES', '| code | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(EXIT)) out.push(`| ${v} | ${EXIT_MEANING[k as keyof typeof EXIT]} |`);
  out.push('', '## FILES', 'Everything is relative to `--root` (default `/`).', '', '| path | what |', '|---|---|');
  for (const [p, w] of FILES) out.push(`| \`${p}\` | ${w} |`);
  out.push('', 'Outside the root:', '', '| path | what |', '|---|---|');
  for (const [p, w] of OTHER_FILES) out.push(`| \`${p}\` | ${w} |`);
  out.push(
    '',
    '## COMMANDS RUN ON THE HOST',
    'By apply, commit and rollback (never through a shell):',
    '',
    ...COMMANDS_RUN.map((c) => `- \`${c}\``),
    '',
  );
  out.push(
    'Read-only, when reading a real node (to tell what the host itself uses):',
    '',
    ...COMMANDS_READ.map((c) => `- \`${c}\``),
    '',
  );
  out.push('## ENVIRONMENT', '| variable | effect |', '|---|---|');
  for (const [v, e] of ENVIRONMENT) out.push(`| \`${v}\` | ${e} |`);
  out.push('');
  return `${out.join('\n')}\n`;
}

const DESCRIPTION =
  'Shows every IOMMU group as a tree, coloured and labelled by how safely it can be handed to a VM; stages vfio-pci reservations, SR-IOV VF counts and device-to-VM assignments; shows every file diff and command before one confirmed commit applies it atomically, with backups and rollback. Afterwards it watches the network functions and their VFs (link, throughput, errors, the VM each one serves) and raises alerts: the Monitor view (m) and the monitor command.';

/** groff names for the few non-ASCII characters in the tables, so `man` renders them on LANG=C too. */
const GLYPH: Record<string, string> = {
  '↑': '\\(ua',
  '↓': '\\(da',
  '←': '\\(<-',
  '→': '\\(->',
  '—': '\\(em',
  '–': '\\(en',
  '·': '\\(pc',
  '…': '...',
};

const esc = (s: string) =>
  s
    .replace(/\\/g, '\\e')
    .replace(/^([.'])/gm, '\\&$1')
    .replace(/-/g, '\\-')
    .replace(
      /[^\x00-\x7f]/g,
      (c) => GLYPH[c] ?? `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`,
    );

export function manualRoff(): string {
  const out: string[] = [
    `.TH PVE\\-PASSTHROUGH 1 "" "pve\\-passthrough ${version()}" "User Commands"`,
    '.SH NAME',
    'pve\\-passthrough, pvept \\- set up PCIe passthrough on a Proxmox VE node',
    '.SH SYNOPSIS',
    '.B pve\\-passthrough',
    '[tui] [\\-\\-root DIR | \\-\\-demo]',
    '.br',
    '.B pve\\-passthrough',
    'list|check|plan|apply|rollback|history|status|confirm|monitor [options]',
    '.br',
    '.B pve\\-passthrough',
    '[COMMAND] \\-\\-help | \\-\\-version | \\-\\-man',
  ];
  out.push('.SH DESCRIPTION', esc(DESCRIPTION), '.PP', esc(NODE_RULE));
  out.push('.SH COMMAND LINE', ...COMMAND_LINE.flatMap((p, i) => (i ? ['.PP', esc(p)] : [esc(p)])));
  out.push('.SH IF THE POWER GOES OUT', ...POWER_CUT.flatMap((p, i) => (i ? ['.PP', esc(p)] : [esc(p)])));
  out.push(
    '.SH WHEN THE NODE DOES NOT COME BACK',
    ...NO_COMING_BACK.flatMap((p, i) => (i ? ['.PP', esc(p)] : [esc(p)])),
  );
  out.push('.SH COMMANDS');
  for (const c of commands) out.push(`.SS ${c.name}`, esc(c.summary), '.PP', '.nf', esc(c.usage.trimEnd()), '.fi');
  out.push('.SH KEYS');
  for (const ctx of KEY_CONTEXTS) {
    out.push(`.SS ${CONTEXT_TITLE[ctx]}`);
    for (const b of KEYMAP.filter((x) => x.context === ctx)) out.push('.TP', `.B ${esc(b.keys)}`, esc(b.description));
  }
  out.push('.SH EXIT STATUS');
  for (const [k, v] of Object.entries(EXIT)) out.push('.TP', `.B ${v}`, esc(EXIT_MEANING[k as keyof typeof EXIT]));
  out.push('.SH FILES', esc('Relative to --root (default /):'));
  for (const [p, w] of FILES) out.push('.TP', `.I ${esc(p)}`, esc(w));
  out.push('.PP', 'Outside the root:');
  for (const [p, w] of OTHER_FILES) out.push('.TP', `.I ${esc(p)}`, esc(w));
  out.push('.SH COMMANDS RUN ON THE HOST', esc('By apply, commit and rollback (never through a shell):'));
  for (const c of COMMANDS_RUN) out.push('.IP', esc(c));
  out.push('.PP', esc('Read-only, when reading a real node (to tell what the host itself uses):'));
  for (const c of COMMANDS_READ) out.push('.IP', esc(c));
  out.push('.SH ENVIRONMENT');
  for (const [v, e] of ENVIRONMENT) out.push('.TP', `.B ${esc(v)}`, esc(e));
  out.push(
    '.SH SEE ALSO',
    esc('docs/manual.md (this page in Markdown), docs/list-json.md (the list --json schema), README.md.'),
  );
  return `${out.join('\n')}\n`;
}
