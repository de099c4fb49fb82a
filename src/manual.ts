// The manual page, generated from the same tables the program runs on (sub-commands, keymap,
// exit codes, files it writes), so it cannot drift. `node --import tsx scripts/gen-man.ts`.
import { EXIT } from './cli/command.ts';
import { commands } from './cli/commands.ts';
import { OWN } from './model/plan/files.ts';
import { STATE_DIR } from './host/state.ts';
import { KEYMAP } from './ui/keymap.ts';

const EXIT_MEANING: Record<keyof typeof EXIT, string> = {
  ok: 'success (also: nothing to do)',
  failure: 'runtime failure; an apply that failed was rolled back',
  usage: 'bad usage (unknown option, malformed argument), or no terminal for the full-screen program',
  blocked: 'the plan has blocking errors, or apply was not confirmed with --yes',
  refused: 'refused before anything ran: not root on a real node, another instance holds the lock, nothing to roll back',
};

export const FILES: Array<[string, string]> = [
  [`/${OWN.modprobe}`, 'options vfio-pci ids=... and softdep lines for devices reserved by vendor:device'],
  [`/${OWN.initTop}`, 'initramfs init-top script pinning single addresses to vfio-pci (driver_override, guarded by vendor:device)'],
  [`/${OWN.modulesLoad}`, 'vfio, vfio_iommu_type1, vfio_pci at boot (only those not loaded by another file)'],
  [`/${OWN.sriovRules}`, 'udev rule that restores SR-IOV VF counts at boot'],
  ['/etc/modprobe.d/*.conf', 'only to remove a vfio-pci id you release (line by line; everything else kept)'],
  ['/etc/kernel/cmdline or /etc/default/grub', 'adds intel_iommu=on / amd_iommu=on and iommu=pt when missing'],
  ['/etc/pve/qemu-server/VMID.conf', 'never written directly: changed by qm set (the file is shown as a diff)'],
  ['/sys/bus/pci/devices/ADDR/sriov_numvfs', 'live VF count (through 0 when changing a non-zero count)'],
  [`/${STATE_DIR}/backups/TIME/`, 'a copy of every file before it is changed, with manifest.json'],
  [`/${STATE_DIR}/journal.log`, 'each step of each apply'],
  [`/${STATE_DIR}/history.log`, 'one line per apply or rollback: time, user, summary, result'],
  [`/${STATE_DIR}/lock`, 'held while applying (pid inside)'],
];

const COMMANDS_RUN = ['qm set VMID --hostpciN ... [--machine q35] [--delete hostpciN]', 'update-initramfs -u -k all', 'proxmox-boot-tool refresh (systemd-boot / ZFS root) or update-grub'];

export function manualMarkdown(): string {
  const out: string[] = ['# pve-passthrough(1)', '', '## NAME', 'pve-passthrough, pvept - set up PCIe passthrough on a Proxmox VE node', '', '## SYNOPSIS', '`pve-passthrough [tui] [--root DIR] [--demo]`  ', '`pve-passthrough list|plan|apply|rollback|history [options]`', ''];
  out.push('## DESCRIPTION', 'Shows every IOMMU group as a tree, coloured and labelled by how safely it can be handed to a VM; stages vfio-pci reservations, SR-IOV VF counts and device-to-VM assignments; shows every file diff and command before one confirmed commit applies it atomically, with backups and rollback.', '');
  out.push('## COMMANDS');
  for (const c of commands) out.push(`### ${c.name}`, c.summary, '', '```', c.usage.trimEnd(), '```', '');
  out.push('## KEYS');
  for (const ctx of ['tree', 'pending', 'global', 'dialog'] as const) {
    out.push(`### ${ctx}`, '| key | action |', '|---|---|');
    for (const b of KEYMAP.filter((x) => x.context === ctx)) out.push(`| \`${b.keys}\` | ${b.description} |`);
    out.push('');
  }
  out.push('## EXIT CODES', '| code | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(EXIT)) out.push(`| ${v} | ${EXIT_MEANING[k as keyof typeof EXIT]} |`);
  out.push('', '## FILES', 'Everything is relative to `--root` (default `/`).', '', '| path | what |', '|---|---|');
  for (const [p, w] of FILES) out.push(`| \`${p}\` | ${w} |`);
  out.push('', '## COMMANDS RUN ON THE HOST', ...COMMANDS_RUN.map((c) => `- \`${c}\``), '');
  out.push('## ENVIRONMENT', '`NO_COLOR` (any value) turns colour off; `TERM=dumb` or `TERM=linux`, or a locale without UTF-8, switches to ASCII glyphs. `XDG_STATE_HOME` chooses where a crash log is written.', '');
  return `${out.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1').replace(/-/g, '\\-');

export function manualRoff(): string {
  const out: string[] = ['.TH PVE-PASSTHROUGH 1', '.SH NAME', 'pve\\-passthrough, pvept \\- set up PCIe passthrough on a Proxmox VE node', '.SH SYNOPSIS', '.B pve\\-passthrough', '[tui] [\\-\\-root DIR] [\\-\\-demo]', '.br', '.B pve\\-passthrough', 'list|plan|apply|rollback|history [options]'];
  out.push('.SH DESCRIPTION', esc('Shows every IOMMU group as a tree, coloured and labelled by how safely it can be handed to a VM; stages vfio-pci reservations, SR-IOV VF counts and device-to-VM assignments; shows every file diff and command before one confirmed commit applies it atomically, with backups and rollback.'));
  out.push('.SH COMMANDS');
  for (const c of commands) out.push(`.SS ${c.name}`, esc(c.summary), '.nf', esc(c.usage.trimEnd()), '.fi');
  out.push('.SH KEYS');
  for (const b of KEYMAP) out.push('.TP', `.B ${esc(b.keys)}`, `${esc(b.description)} (${b.context})`);
  out.push('.SH EXIT STATUS');
  for (const [k, v] of Object.entries(EXIT)) out.push('.TP', `.B ${v}`, esc(EXIT_MEANING[k as keyof typeof EXIT]));
  out.push('.SH FILES', esc('Relative to --root (default /).'));
  for (const [p, w] of FILES) out.push('.TP', `.I ${esc(p)}`, esc(w));
  out.push('.SH ENVIRONMENT', esc('NO_COLOR turns colour off; TERM=dumb, TERM=linux or a locale without UTF-8 switch to ASCII glyphs; XDG_STATE_HOME sets where a crash log goes.'));
  return `${out.join('\n')}\n`;
}
