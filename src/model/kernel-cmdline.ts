// Kernel command lines: `/etc/kernel/cmdline` (systemd-boot / proxmox-boot-tool, one line) and
// `GRUB_CMDLINE_LINUX_DEFAULT="..."` in `/etc/default/grub`. Edits add missing flags at the end
// and leave everything else, including quoting and other lines, as it was.

export function cmdlineWords(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

/** Value of `name=value` (or true for a bare flag), null when absent. Last one wins, like the kernel. */
export function cmdlineParam(line: string, name: string): string | true | null {
  let found: string | true | null = null;
  for (const w of cmdlineWords(line)) {
    if (w === name) found = true;
    else if (w.startsWith(`${name}=`)) found = w.slice(name.length + 1);
  }
  return found;
}

/** Appends each `flag` (e.g. `intel_iommu=on`) whose exact word is not yet present. */
export function addFlags(line: string, flags: string[]): string {
  const words = cmdlineWords(line);
  const missing = flags.filter((f) => !words.includes(f));
  if (!missing.length) return line;
  const trimmed = line.replace(/\s+$/, '');
  const trailing = line.slice(trimmed.length);
  return `${trimmed}${trimmed ? ' ' : ''}${missing.join(' ')}${trailing}`;
}

export function removeFlags(line: string, flags: string[]): string {
  const drop = new Set(flags);
  const trimmed = line.replace(/\s+$/, '');
  const kept = cmdlineWords(trimmed).filter((w) => !drop.has(w));
  return kept.length === cmdlineWords(trimmed).length ? line : kept.join(' ') + line.slice(trimmed.length);
}

const GRUB_KEY = 'GRUB_CMDLINE_LINUX_DEFAULT';
const GRUB_LINE = new RegExp(`^(\\s*${GRUB_KEY}=)(["']?)(.*?)\\2(\\s*(?:#.*)?)$`);

/** The command line inside /etc/default/grub (last assignment wins, like the shell). */
export function grubCmdline(text: string): string | null {
  let found: string | null = null;
  for (const line of text.split('\n')) {
    const m = GRUB_LINE.exec(line);
    if (m) found = m[3]!;
  }
  return found;
}

/** Rewrites the last GRUB_CMDLINE_LINUX_DEFAULT line through `edit`; appends one when absent. */
export function editGrubCmdline(text: string, edit: (cmdline: string) => string): string {
  const lines = text.split('\n');
  let at = -1;
  lines.forEach((l, i) => {
    if (GRUB_LINE.test(l)) at = i;
  });
  if (at < 0) {
    const body = `${GRUB_KEY}="${edit('')}"`;
    if (text === '') return `${body}\n`;
    return text.endsWith('\n') ? `${text}${body}\n` : `${text}\n${body}\n`;
  }
  const m = GRUB_LINE.exec(lines[at]!)!;
  const quote = m[2] || '"';
  lines[at] = `${m[1]}${quote}${edit(m[3]!)}${quote}${m[4]}`;
  return lines.join('\n');
}

/** Edits the first line of /etc/kernel/cmdline (the only one proxmox-boot-tool reads). */
export function editKernelCmdline(text: string, edit: (cmdline: string) => string): string {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  const rest = nl < 0 ? '' : text.slice(nl);
  return edit(first) + rest;
}
