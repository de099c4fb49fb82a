// Where else a node keeps its SR-IOV VF counts across reboots, written by hand or by other
// tools: udev rules (on the PF's pci or net event), systemd units and ifupdown `post-up` lines
// that write sriov_numvfs. The planner adopts them (retires the line, the count moves to our
// rule) instead of leaving a second writer with a different count beside ours.
import { parseInterfaces } from './net-interfaces.ts';

export interface PersistPf {
  address: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  netInterfaces: string[];
}

export interface VfPersistence {
  kind: 'udev' | 'systemd' | 'interfaces';
  path: string;
  /** 1-based line. */
  line: number;
  count: number;
  /** The PFs it writes the count of (one rule may match several: a driver-wide rule). */
  pfs: string[];
}

/** Files that can carry a VF count, by where they live. */
export function persistenceKind(path: string): VfPersistence['kind'] | null {
  if (/^(etc|run)\/udev\/rules\.d\/[^/]+\.rules$/.test(path)) return 'udev';
  if (/^etc\/systemd\/system\/[^/]+\.service$/.test(path)) return 'systemd';
  if (path === 'etc/network/interfaces' || /^etc\/network\/interfaces\.d\/[^/]+$/.test(path)) return 'interfaces';
  return null;
}

/** A udev glob (`*`, `?`, `[..]`, `|` alternatives) as a RegExp. */
function glob(pattern: string): RegExp {
  const alts = pattern.split('|').map((p) =>
    p
      .replace(/[.+^${}()\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.'),
  );
  return new RegExp(`^(?:${alts.join('|')})$`);
}

const PCI_ADDR = /[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/g;

/** udev rule tokens: KEY, {attr}, operator, value. */
function udevTokens(line: string): Array<{ key: string; attr: string | null; op: string; value: string }> {
  return [...line.matchAll(/([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"/g)].map((m) => ({
    key: m[1]!,
    attr: m[2] ?? null,
    op: m[3]!,
    value: m[4]!,
  }));
}

/** The PFs a udev rule line matches, and the count it writes; null when it writes no sriov_numvfs. */
export function udevRulePersistence(line: string, pfs: PersistPf[]): { count: number; pfs: string[] } | null {
  const code = line.trim();
  if (!code || code.startsWith('#')) return null;
  const t = udevTokens(code);
  const set = t.find(
    (x) =>
      x.key === 'ATTR' &&
      (x.attr === 'sriov_numvfs' || x.attr === 'device/sriov_numvfs') &&
      (x.op === '=' || x.op === ':='),
  );
  if (!set || !/^\d+$/.test(set.value)) return null;
  const subsystem =
    t.find((x) => x.key === 'SUBSYSTEM' && x.op === '==')?.value ??
    (set.attr === 'device/sriov_numvfs' ? 'net' : 'pci');
  const matches = (pf: PersistPf): boolean =>
    t.every((x) => {
      if (x.op !== '==' && x.op !== '!=') return true;
      const re = glob(x.value);
      const names = (() => {
        switch (x.key) {
          case 'KERNEL':
          case 'NAME':
            return subsystem === 'net' ? pf.netInterfaces : [pf.address];
          case 'KERNELS':
            return [pf.address, ...pf.netInterfaces];
          case 'DRIVER':
          case 'DRIVERS':
            return pf.driver ? [pf.driver] : [];
          case 'ENV':
            return x.attr === 'ID_NET_DRIVER'
              ? pf.driver
                ? [pf.driver]
                : []
              : x.attr === 'INTERFACE'
                ? pf.netInterfaces
                : x.attr === 'PCI_SLOT_NAME'
                  ? [pf.address]
                  : null;
          case 'ATTR':
          case 'ATTRS':
            return x.attr === 'vendor' ? [`0x${pf.vendorId}`] : x.attr === 'device' ? [`0x${pf.deviceId}`] : null;
          default:
            return null; // ACTION, SUBSYSTEM and keys not modelled here: not a PF filter
        }
      })();
      if (names === null) return true;
      const hit = names.some((n) => re.test(n));
      return x.op === '==' ? hit : !hit;
    });
  if (subsystem === 'net' && !pfs.some((p) => p.netInterfaces.length)) return { count: Number(set.value), pfs: [] };
  return {
    count: Number(set.value),
    pfs: pfs.filter((p) => (subsystem !== 'net' || p.netInterfaces.length) && matches(p)).map((p) => p.address),
  };
}

/**
 * `echo N > /sys/.../sriov_numvfs` inside a shell line (ExecStart=, post-up): the count and the
 * PF, named by address (`/sys/bus/pci/devices/ADDR/`, any sys/devices path) or by interface
 * (`/sys/class/net/IF/device/`; `$IFACE` is the stanza's own interface).
 */
export function shellPersistence(
  line: string,
  pfs: PersistPf[],
  iface: string | null,
): Array<{ count: number; pfs: string[] }> {
  const code = line.trim();
  if (code.startsWith('#')) return [];
  const out: Array<{ count: number; pfs: string[] }> = [];
  for (const m of code.matchAll(
    /echo\s+['"]?(\d+)['"]?\s*(?:>|\|\s*(?:\S*\/)?tee(?:\s+-a)?)\s*['"]?(\S*?sriov_numvfs)/g,
  )) {
    const path = m[2]!;
    const addrs = path.match(PCI_ADDR);
    const net = /\/sys\/class\/net\/([^/]+)\/device\/sriov_numvfs/.exec(path)?.[1];
    const ifname = net === '$IFACE' || net === '${IFACE}' ? iface : net;
    const found = addrs?.length
      ? pfs.filter((p) => p.address === addrs[addrs.length - 1])
      : ifname
        ? pfs.filter((p) => p.netInterfaces.includes(ifname))
        : [];
    out.push({ count: Number(m[1]), pfs: found.map((p) => p.address) });
  }
  return out;
}

/** Every line outside our own rules file that writes a VF count at boot, with the PFs it covers. */
export function findVfPersistence(files: Record<string, string>, pfs: PersistPf[], ownRules: string): VfPersistence[] {
  const out: VfPersistence[] = [];
  for (const path of Object.keys(files).sort()) {
    const kind = persistenceKind(path);
    if (!kind || path === ownRules) continue;
    const lines = files[path]!.split('\n');
    const ifaceAt = new Map<number, string>();
    if (kind === 'interfaces')
      for (const s of parseInterfaces(files[path]!)) for (const o of s.options) ifaceAt.set(o.line, s.name);
    lines.forEach((l, i) => {
      if (kind === 'udev') {
        const r = udevRulePersistence(l, pfs);
        if (r) out.push({ kind, path, line: i + 1, ...r });
        return;
      }
      if (kind === 'systemd' && !/^\s*Exec(Start|StartPre|StartPost)\s*=/.test(l)) return;
      if (kind === 'interfaces' && !/^\s*(pre-up|up|post-up)\s/.test(l)) return;
      for (const r of shellPersistence(l, pfs, ifaceAt.get(i + 1) ?? null)) out.push({ kind, path, line: i + 1, ...r });
    });
  }
  return out;
}

/**
 * Comments out line `line` (1-based) behind a note. The same `#` works in udev rules, unit files
 * and interfaces files; inside an interfaces stanza the indentation is kept.
 */
export function retireLine(text: string, line: number, note: string): string {
  const lines = text.split('\n');
  const l = lines[line - 1];
  if (l === undefined || l.trim().startsWith('#')) return text;
  const indent = /^\s*/.exec(l)![0];
  lines.splice(line - 1, 1, `${indent}# ${note}`, `${indent}# ${l.trim()}`);
  return lines.join('\n');
}
