// What the host itself needs, per PCI function: controllers behind mounted disks, swap, ZFS
// pool members and LVM physical volumes; NICs that carry the management bridge or bond; the
// boot VGA device while the console is on it. These make a group host-critical.
import { join } from 'node:path';
import { cmdlineParam } from '../model/kernel-cmdline.ts';
import type { CommandRunner } from './runner.ts';
import { baseName, linkTarget, listDir, readLink, readText } from './fsread.ts';

const PCI_ADDR = /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

/** Last PCI address in a sysfs device path: the function that owns the disk or NIC. */
function pciOwner(linkTarget: string): string | null {
  const parts = linkTarget.split('/').filter((p) => PCI_ADDR.test(p));
  return parts.length ? parts[parts.length - 1]! : null;
}

export interface HostUseResult {
  uses: Map<string, string[]>;
  netByAddress: Map<string, string[]>;
}

function add(map: Map<string, string[]>, key: string, v: string) {
  const l = map.get(key);
  if (!l) map.set(key, [v]);
  else if (!l.includes(v)) l.push(v);
}

/** The commands readHostUses runs (reader.ts starts them early, to run while sysfs is read). */
export const ZPOOL_STATUS = ['zpool', 'status', '-P'] as const;
export const PVS = ['pvs', '--noheadings', '-o', 'pv_name,vg_name'] as const;

export async function readHostUses(
  root: string,
  runner: CommandRunner,
  cmdline: string,
  bootVga: string[],
): Promise<HostUseResult> {
  const uses = new Map<string, string[]>();
  const netByAddress = new Map<string, string[]>();

  // Block devices: sys/block/<disk> -> ../devices/pci0000:00/<addr>/.../block/<disk>
  const diskOwner = new Map<string, string>();
  for (const disk of listDir(join(root, 'sys/block'))) {
    const target = readLink(join(root, 'sys/block', disk));
    const owner = target ? pciOwner(target) : null;
    if (owner) diskOwner.set(disk, owner);
  }
  const disks = [...diskOwner.keys()].sort((a, b) => b.length - a.length);
  const resolveDev = (dev: string): string | null => {
    let name = dev;
    // /dev/disk/by-id/... links resolve inside the root, like on the host.
    if (name.startsWith('/dev/disk/')) {
      const t = readLink(join(root, name.slice(1)));
      if (t) name = baseName(t);
    }
    name = baseName(name);
    return disks.find((d) => name === d || name.startsWith(d)) ?? null;
  };
  const mark = (dev: string, why: string) => {
    const disk = resolveDev(dev);
    if (disk) add(uses, diskOwner.get(disk)!, `${why} (disk ${disk})`);
  };

  for (const line of (readText(join(root, 'proc/mounts')) ?? '').split('\n')) {
    const [src, mnt] = line.split(' ');
    if (src?.startsWith('/dev/') && mnt) mark(src, `holds ${src} mounted on ${mnt}`);
  }
  for (const line of (readText(join(root, 'proc/swaps')) ?? '').split('\n').slice(1)) {
    const src = line.split(/\s+/)[0];
    if (src?.startsWith('/dev/')) mark(src, `holds swap ${src}`);
  }
  const zpool = await runner.run(ZPOOL_STATUS);
  if (zpool.exitCode === 0) {
    let pool = '';
    for (const line of zpool.stdout.split('\n')) {
      const p = /^\s*pool:\s*(\S+)/.exec(line);
      if (p) pool = p[1]!;
      const dev = /^\s+(\/dev\/\S+)/.exec(line);
      if (dev) mark(dev[1]!, `member of ZFS pool ${pool}`);
    }
  }
  const pvs = await runner.run(PVS);
  if (pvs.exitCode === 0) {
    for (const line of pvs.stdout.split('\n')) {
      const [pv, vg] = line.trim().split(/\s+/);
      if (pv?.startsWith('/dev/')) mark(pv, `LVM physical volume ${pv}${vg ? ` of VG ${vg}` : ''}`);
    }
  }

  // NICs: sys/class/net/<if>/device -> the PCI function.
  const nicOwner = new Map<string, string>();
  for (const ifname of listDir(join(root, 'sys/class/net'))) {
    // sys/class/net/<if> links to the interface's folder under the function's, and its device
    // link is relative to that folder: followed one link at a time (realpath made a syscall
    // per path component: ~4,000 for 355 interfaces).
    const entry = join(root, 'sys/class/net', ifname);
    const target = linkTarget(join(linkTarget(entry) ?? entry, 'device'));
    const owner = target ? baseName(target) : null;
    if (owner && PCI_ADDR.test(owner)) {
      nicOwner.set(ifname, owner);
      add(netByAddress, owner, ifname);
    }
  }
  const interfaces = readText(join(root, 'etc/network/interfaces'));
  if (interfaces !== null) {
    for (const { iface, ports, why } of managementPorts(interfaces)) {
      for (const nic of ports) {
        const owner = nicOwner.get(nic);
        if (owner) add(uses, owner, `NIC ${nic} is a port of ${iface}, ${why}`);
      }
    }
  }

  // The console sits on the boot VGA device unless the framebuffer is switched off.
  const fbOff =
    /video=(?:efifb|vesafb|simplefb):off|nofb|initcall_blacklist=sysfb_init/.test(cmdline) ||
    cmdlineParam(cmdline, 'nomodeset') !== null;
  if (!fbOff) for (const addr of bootVga) add(uses, addr, 'boot VGA device: the host console is on it');
  return { uses, netByAddress };
}

/**
 * Interfaces (bridges, bonds) that carry the host's management address, with the physical
 * ports under them (bond members expanded).
 */
export function managementPorts(text: string): Array<{ iface: string; ports: string[]; why: string }> {
  const stanzas = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^iface\s+(\S+)/.exec(line);
    if (m) {
      cur = stanzas.get(m[1]!) ?? {};
      cur.__header = line;
      stanzas.set(m[1]!, cur);
      continue;
    }
    if (/^(auto|allow-|source|mapping)/.test(line)) {
      cur = null;
      continue;
    }
    const kv = /^(\S+)\s+(.*)$/.exec(line);
    if (cur && kv) cur[kv[1]!] = kv[2]!;
  }
  const portsOf = (name: string, seen = new Set<string>()): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const s = stanzas.get(name);
    const sub = s?.['bridge-ports'] ?? s?.['bridge_ports'] ?? s?.['bond-slaves'] ?? s?.['bond_slaves'];
    if (!sub) return [name];
    if (sub === 'none') return [];
    return sub.split(/\s+/).flatMap((p) => portsOf(p, seen));
  };
  const out: Array<{ iface: string; ports: string[]; why: string }> = [];
  for (const [name, s] of stanzas) {
    const addr = s.address ?? (/\b(dhcp)\b/.test(s.__header ?? '') ? 'dhcp' : undefined);
    if (!addr) continue;
    const why = `which carries the management address ${addr}${s.gateway ? ` (gateway ${s.gateway})` : ''}`;
    out.push({ iface: name, ports: portsOf(name), why });
  }
  return out;
}
