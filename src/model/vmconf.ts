// Proxmox VM config (`/etc/pve/qemu-server/<vmid>.conf`): parser and exact printer side by side.
// The document keeps every raw line, so printing gives the input back byte for byte and an edit
// changes only its own line. Sections: the main one, then `[snapshot]` and `[PENDING]`.
import type { HostpciEntry, Notice, VmConfig } from './types.ts';

export type VmLineKind = 'blank' | 'comment' | 'section' | 'kv' | 'broken';

export interface VmLine {
  raw: string;
  kind: VmLineKind;
  /** null: main section; otherwise the section name (`PENDING`, a snapshot name, ...). */
  section: string | null;
  key?: string;
  value?: string;
}

export interface VmConfDoc {
  lines: VmLine[];
}

const KV = /^([a-z][a-z0-9_-]*):\s?(.*)$/i;
const SECTION = /^\[([^\]]+)\]\s*$/;

export function parseVmConf(text: string, where = 'vm.conf'): { doc: VmConfDoc; notices: Notice[] } {
  const notices: Notice[] = [];
  let section: string | null = null;
  const lines = text.split('\n').map((raw, i): VmLine => {
    const t = raw.replace(/\r$/, '');
    if (t.trim() === '') return { raw, kind: 'blank', section };
    if (t.startsWith('#')) return { raw, kind: 'comment', section };
    const s = SECTION.exec(t);
    if (s) {
      section = s[1]!;
      return { raw, kind: 'section', section };
    }
    const m = KV.exec(t);
    if (m) return { raw, kind: 'kv', section, key: m[1]!, value: m[2]!.trim() };
    notices.push({
      where: `${where}:${i + 1}`,
      message: `unreadable line kept as is: ${JSON.stringify(t.slice(0, 60))}`,
    });
    return { raw, kind: 'broken', section };
  });
  return { doc: { lines }, notices };
}

export function printVmConf(doc: VmConfDoc): string {
  return doc.lines.map((l) => l.raw).join('\n');
}

/** Value of a key in the main section (or in `section`). */
export function getKey(doc: VmConfDoc, key: string, section: string | null = null): string | undefined {
  return doc.lines.find((l) => l.kind === 'kv' && l.section === section && l.key === key)?.value;
}

export function keysOf(doc: VmConfDoc, section: string | null = null): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of doc.lines) if (l.kind === 'kv' && l.section === section) out.set(l.key!, l.value!);
  return out;
}

/**
 * Sets `key: value` in a section, replacing the existing line in place or appending after the
 * section's last key line (so sections that follow stay untouched). Creates a `[PENDING]`
 * section at the end when asked for one that does not exist.
 */
export function setKey(doc: VmConfDoc, key: string, value: string, section: string | null = null): VmConfDoc {
  const lines = [...doc.lines];
  const line: VmLine = { raw: `${key}: ${value}`, kind: 'kv', section, key, value };
  const at = lines.findIndex((l) => l.kind === 'kv' && l.section === section && l.key === key);
  if (at >= 0) {
    lines[at] = line;
    return { lines };
  }
  let last = -1;
  let header = -1;
  lines.forEach((l, i) => {
    if (l.section === section && l.kind !== 'blank') last = i;
    if (l.kind === 'section' && l.section === section) header = i;
  });
  if (section !== null && header < 0) {
    // New section at the end, separated by a blank line like PVE writes it.
    const endsWithEmpty = lines.length > 0 && lines[lines.length - 1]!.raw === '';
    const tail = endsWithEmpty ? lines.pop() : undefined;
    const prevSection = lines.length ? lines[lines.length - 1]!.section : null;
    lines.push({ raw: '', kind: 'blank', section: prevSection });
    lines.push({ raw: `[${section}]`, kind: 'section', section }, line);
    if (tail) lines.push({ ...tail, section });
    return { lines };
  }
  lines.splice(last + 1, 0, line);
  return { lines };
}

export function deleteKey(doc: VmConfDoc, key: string, section: string | null = null): VmConfDoc {
  return { lines: doc.lines.filter((l) => !(l.kind === 'kv' && l.section === section && l.key === key)) };
}

/** Sections present after the main one (snapshot names and PENDING). */
export function sectionsOf(doc: VmConfDoc): string[] {
  return doc.lines.filter((l) => l.kind === 'section').map((l) => l.section!);
}

const HOSTPCI = /^hostpci(\d+)$/;

/** Parses `hostpciN` values: `[host=]ID[;ID...]|mapping=ID[,opt=val...]`. */
export function parseHostpci(index: number, raw: string): HostpciEntry {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const options: Record<string, string> = {};
  let hosts: string[] = [];
  let mapping: string | null = null;
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (i === 0) hosts = p.split(';').filter(Boolean);
      else options[p] = '';
      return;
    }
    const k = p.slice(0, eq);
    const v = p.slice(eq + 1);
    if (k === 'host') hosts = v.split(';').filter(Boolean);
    else if (k === 'mapping') mapping = v;
    else options[k] = v;
  });
  return { index, raw, hosts, mapping, options };
}

export function hostpciEntries(doc: VmConfDoc, section: string | null = null): HostpciEntry[] {
  const out: HostpciEntry[] = [];
  for (const [k, v] of keysOf(doc, section)) {
    const m = HOSTPCI.exec(k);
    if (m) out.push(parseHostpci(Number(m[1]), v));
  }
  return out.sort((a, b) => a.index - b.index);
}

/** PVE allows hostpci0..hostpci15. */
export const MAX_HOSTPCI = 16;

export function firstFreeHostpci(doc: VmConfDoc): number | null {
  const used = new Set<number>();
  for (const sec of [null, 'PENDING'] as const) for (const e of hostpciEntries(doc, sec)) used.add(e.index);
  for (let i = 0; i < MAX_HOSTPCI; i++) if (!used.has(i)) return i;
  return null;
}

/** `q35`, `pc-q35-8.1`, ...: null (no machine line) is the i440fx default. */
export const isQ35 = (vm: Pick<VmConfig, 'machine'>) => /q35/.test(vm.machine ?? '');
