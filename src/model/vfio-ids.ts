// The one vfio-pci `ids=` list the module really gets at boot, and edits of that list where it
// lives. How the list comes together (kmod, libkmod-config.c):
// - modprobe reads every *.conf of the modprobe.d folders in file-name order and hands the module
//   all of its `options` lines, in that order (`vfio-pci` and `vfio_pci` are the same module);
// - then the kernel command line's `vfio-pci.ids=` / `vfio_pci.ids=`, parsed after the files, so
//   it comes last;
// - the module sets its `ids` parameter once per `ids=` it is given: the LAST one wins and the
//   earlier lists are lost entirely, not merged.
// Only /etc/modprobe.d is read here (what an admin and this program write); the initramfs gets a
// copy of the same files at update-initramfs.
import { cmdlineWords } from './kernel-cmdline.ts';
import { isVfioPci } from './modprobe.ts';

/** One `options vfio-pci ... ids=...` line. */
export interface IdsLine {
  path: string;
  /** 1-based line number in the file. */
  line: number;
  ids: string[];
}

export interface EffectiveVfioIds {
  /** What vfio-pci gets at boot, in order, lower case. */
  ids: string[];
  /** Where that list lives: an options line, the kernel command line, or nowhere (no ids= at all). */
  source: { kind: 'file'; path: string; line: number } | { kind: 'cmdline' } | null;
  /** ids= lines in modprobe.d whose list is thrown away because a later one wins. */
  overridden: IdsLine[];
  /** Every ids= line in modprobe order (the winner included). */
  lines: IdsLine[];
  /** The command line's list, null when it has none. */
  cmdline: string[] | null;
  /** `softdep <module> pre: vfio-pci` lines: drivers that wait for vfio-pci to load first. */
  softdeps: Array<{ path: string; module: string }>;
}

const MODPROBE_DIR = 'etc/modprobe.d/';

/** modprobe.d files in the order modprobe reads them: by file name. */
export function modprobeFiles(files: Record<string, string>): string[] {
  return Object.keys(files)
    .filter((p) => p.startsWith(MODPROBE_DIR) && p.endsWith('.conf') && !p.slice(MODPROBE_DIR.length).includes('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The words of a config line without its comment. */
function words(line: string): string[] {
  const hash = line.indexOf('#');
  return (hash >= 0 ? line.slice(0, hash) : line).trim().split(/\s+/).filter(Boolean);
}

const splitIds = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** ids= lines of one modprobe.d file. */
export function idsLines(path: string, text: string): IdsLine[] {
  const out: IdsLine[] = [];
  text.split('\n').forEach((l, i) => {
    const w = words(l);
    if (w[0] !== 'options' || !w[1] || !isVfioPci(w[1])) return;
    // Within one line the last ids= wins too.
    const opt = w
      .slice(2)
      .filter((o) => o.startsWith('ids='))
      .pop();
    if (opt !== undefined) out.push({ path, line: i + 1, ids: splitIds(opt.slice(4)) });
  });
  return out;
}

/** The `vfio-pci.ids=` list on a kernel command line (last one wins), null when absent. */
export function cmdlineVfioIds(cmdline: string): string[] | null {
  let found: string[] | null = null;
  for (const w of cmdlineWords(cmdline)) {
    const m = /^vfio[-_]pci\.ids=(.*)$/.exec(w);
    if (m) found = splitIds(m[1]!.replace(/^"|"$/g, ''));
  }
  return found;
}

export function effectiveVfioIds(files: Record<string, string>, cmdline: string): EffectiveVfioIds {
  const lines: IdsLine[] = [];
  const softdeps: EffectiveVfioIds['softdeps'] = [];
  for (const path of modprobeFiles(files)) {
    const text = files[path]!;
    lines.push(...idsLines(path, text));
    for (const l of text.split('\n')) {
      const w = words(l);
      if (w[0] !== 'softdep' || !w[1]) continue;
      let pre = false;
      for (const t of w.slice(2)) {
        if (t === 'pre:') pre = true;
        else if (t === 'post:') pre = false;
        else if (pre && isVfioPci(t)) softdeps.push({ path, module: w[1] });
      }
    }
  }
  const fromCmdline = cmdlineVfioIds(cmdline);
  if (fromCmdline)
    return { ids: fromCmdline, source: { kind: 'cmdline' }, overridden: lines, lines, cmdline: fromCmdline, softdeps };
  const last = lines[lines.length - 1];
  if (!last) return { ids: [], source: null, overridden: [], lines, cmdline: null, softdeps };
  return {
    ids: last.ids,
    source: { kind: 'file', path: last.path, line: last.line },
    overridden: lines.slice(0, -1),
    lines,
    cmdline: null,
    softdeps,
  };
}

/** `/etc/modprobe.d/vfio.conf line 2` or `the kernel command line`. */
export function describeSource(s: EffectiveVfioIds['source']): string {
  if (!s) return 'no ids= list anywhere';
  return s.kind === 'cmdline' ? 'the kernel command line (vfio-pci.ids=)' : `/${s.path} line ${s.line}`;
}

/**
 * Sets the ids= of the options line `line` (1-based) to `ids`, keeping the module's spelling,
 * the other options and a trailing comment. With no ids left the ids= option goes; a line left
 * with no options at all is dropped.
 */
export function setIdsOnLine(text: string, line: number, ids: string[]): string {
  const lines = text.split('\n');
  const l = lines[line - 1];
  if (l === undefined) return text;
  const hash = l.indexOf('#');
  const comment = hash >= 0 ? l.slice(hash) : '';
  const w = words(l);
  if (w[0] !== 'options' || !w[1] || !isVfioPci(w[1])) return text;
  let placed = false;
  const opts = w.slice(2).flatMap((o) => {
    if (!o.startsWith('ids=')) return [o];
    if (placed || !ids.length) return [];
    placed = true;
    return [`ids=${ids.join(',')}`];
  });
  if (!placed && ids.length) opts.push(`ids=${ids.join(',')}`);
  const rebuilt = opts.length ? `options ${w[1]} ${opts.join(' ')}${comment ? ` ${comment}` : ''}` : null;
  if (rebuilt !== null && words(rebuilt).join(' ') === w.join(' ')) return text;
  if (rebuilt === null) lines.splice(line - 1, 1);
  else lines[line - 1] = rebuilt;
  return lines.join('\n');
}

/**
 * Retires an overridden ids= line: a note says where the list lives, then the line follows
 * commented out, or, when the line carries other options, rewritten without its ids=.
 */
export function retireIdsLine(text: string, line: number, note: string): string {
  const lines = text.split('\n');
  const l = lines[line - 1];
  if (l === undefined) return text;
  const w = words(l);
  const others = w.slice(2).filter((o) => !o.startsWith('ids='));
  const replaced = others.length
    ? [`# ${note}`, `# was: ${l.trim()}`, `options ${w[1]} ${others.join(' ')}`]
    : [`# ${note}`, `# ${l.trim()}`];
  lines.splice(line - 1, 1, ...replaced);
  return lines.join('\n');
}

/**
 * Sets the `vfio-pci.ids=` word(s) in a boot loader file (etc/default/grub or etc/kernel/cmdline):
 * the last one gets `ids`, earlier ones go; with no ids left, every one goes.
 */
export function setCmdlineIds(text: string, ids: string[]): string {
  const re = /vfio[-_]pci\.ids=[0-9a-fA-FxX:,]*/g;
  const hits = [...text.matchAll(re)].filter((m) => {
    const before = text[m.index! - 1];
    const after = text[m.index! + m[0].length];
    return (before === undefined || /[\s"']/.test(before)) && (after === undefined || /[\s"']/.test(after));
  });
  let out = text;
  // Right to left, so earlier offsets stay valid.
  hits.reverse().forEach((m, k) => {
    const at = m.index!;
    const end = at + m[0].length;
    if (k === 0 && ids.length) {
      out = `${out.slice(0, at)}${m[0].replace(/=.*$/, `=${ids.join(',')}`)}${out.slice(end)}`;
      return;
    }
    // Drop the word and one space on one side of it.
    if (out[at - 1] === ' ' || out[at - 1] === '\t') out = out.slice(0, at - 1) + out.slice(end);
    else if (out[end] === ' ' || out[end] === '\t') out = out.slice(0, at) + out.slice(end + 1);
    else out = out.slice(0, at) + out.slice(end);
  });
  return out;
}

/**
 * The kernel command line of the next boot as the boot loader's config has it (GRUB:
 * GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT; proxmox-boot-tool: etc/kernel/cmdline),
 * else the running one.
 */
export function nextBootCmdline(
  text: string | null,
  kind: 'grub' | 'systemd-boot' | 'unknown',
  running: string,
): string {
  if (text === null || kind === 'unknown') return running;
  if (kind === 'systemd-boot') return text.split('\n')[0] ?? '';
  const last = (key: string) => {
    let v = '';
    for (const l of text.split('\n')) {
      const m = new RegExp(`^\\s*${key}=(["']?)(.*?)\\1\\s*(?:#.*)?$`).exec(l);
      if (m) v = m[2]!;
    }
    return v;
  };
  return `${last('GRUB_CMDLINE_LINUX')} ${last('GRUB_CMDLINE_LINUX_DEFAULT')}`.trim();
}

/** One line for the pending pane and `plan`: the list the module gets at boot, before -> after. */
export function describeVfioIdsChange(v: { before: string[]; after: string[]; where: string }): string {
  const list = (ids: string[]) => (ids.length ? ids.join(',') : 'none');
  const same = v.before.join(',') === v.after.join(',');
  return `vfio-pci ids= at boot (${v.where}): ${same ? `${list(v.after)} (unchanged)` : `${list(v.before)} -> ${list(v.after)}`}`;
}
