// The Proxmox cluster this node is in, and the other nodes' PCI devices (for resource mappings
// that name the same kind of device on every node). Facts relied on:
// - /etc/pve/corosync.conf exists only on a clustered node; pmxcfs publishes the membership in
//   /etc/pve/.members (JSON: nodename, cluster {name, ...}, nodelist {NAME: {id, online, ip}}).
// - /etc/pve/mapping/pci.cfg is the cluster's one mapping list (pmxcfs replicates /etc/pve), so
//   the local file is what `pvesh get /cluster/mapping/pci` lists; only devices need the API.
// - `pvesh get /nodes/NODE/hardware/pci --pci-class-blacklist '' --output-format json` (what the
//   GUI's mapping editor asks, proxied to NODE) lists every function: id (address), class,
//   vendor, device, subsystem_vendor, subsystem_device ("0x8086"), iommugroup (-1: none),
//   vendor_name, device_name.
// - /etc/pve/nodes/NODE/qemu-server/VMID.conf holds each node's VM configs (/etc/pve/qemu-server
//   is the local node's, a link into it); pmxcfs replicates them all to every node.
import { join } from 'node:path';
import { normalizeAddress } from '../model/address.ts';
import type { ClusterInfo, Notice, RemotePciDevice } from '../model/types.ts';
import { hostpciEntries, getKey, parseVmConf } from '../model/vmconf.ts';
import { listDir, readText } from './fsread.ts';
import type { CommandRunner } from './runner.ts';

/** How long one node's device list may take (pvesh proxies to the node over the cluster network). */
export const REMOTE_TIMEOUT_MS = 20_000;

export const hardwarePciArgv = (node: string) => [
  'pvesh',
  'get',
  `/nodes/${node}/hardware/pci`,
  '--pci-class-blacklist',
  '',
  '--output-format',
  'json',
];

/** Node names from corosync.conf's nodelist (when .members is missing). */
function corosyncNodes(text: string): string[] {
  return [...text.matchAll(/^\s*(?:name|ring0_addr):\s*(\S+)/gm)]
    .filter((m) => m[0].includes('name:'))
    .map((m) => m[1]!);
}

const hex = (v: unknown, n: number) =>
  typeof v === 'string' && /^(0x)?[0-9a-f]+$/i.test(v)
    ? v.replace(/^0x/i, '').toLowerCase().padStart(n, '0').slice(-n)
    : null;

export function parseHardwarePci(json: string): RemotePciDevice[] | string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return 'the device list is not JSON';
  }
  if (!Array.isArray(data)) return 'the device list is not a JSON array';
  const out: RemotePciDevice[] = [];
  for (const e of data as Array<Record<string, unknown>>) {
    const address = typeof e.id === 'string' ? normalizeAddress(e.id) : null;
    const vendorId = hex(e.vendor, 4);
    const deviceId = hex(e.device, 4);
    if (!address || !vendorId || !deviceId) continue;
    const group = typeof e.iommugroup === 'number' && e.iommugroup >= 0 ? e.iommugroup : null;
    const names = [typeof e.device_name === 'string' && e.device_name ? e.device_name : e.vendor_name].filter(
      (x): x is string => typeof x === 'string' && !!x,
    );
    out.push({
      address,
      vendorId,
      deviceId,
      subsystemVendorId: hex(e.subsystem_vendor, 4),
      subsystemDeviceId: hex(e.subsystem_device, 4),
      iommuGroup: group,
      classId: hex(e.class, 6)?.slice(0, 4) ?? '0000',
      name: names.length ? names.join(' ') : `[${vendorId}:${deviceId}]`,
    });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : 1));
}

/** null: not in a cluster. Never throws: what could not be read becomes a notice. */
export async function readCluster(root: string, runner: CommandRunner, nodeName: string): Promise<ClusterInfo | null> {
  return startClusterRead(root, runner, nodeName).full;
}

/** The cluster's membership at once, and the other nodes' device lists on their way. */
export interface ClusterRead {
  /** Membership, mapping users and offline nodes; an online node's devices: null, "being read". */
  members: ClusterInfo | null;
  /** All of it, once every node answered (or timed out); never rejects. */
  full: Promise<ClusterInfo | null>;
}

const OFFLINE = 'node is offline: its devices are not known';

/** A node's devices while pvesh is still asking for them (the TUI draws its first frame meanwhile). */
export const BEING_READ = 'its devices are being read (pvesh)';

/**
 * Starts the pvesh calls (all nodes at once, each bounded by REMOTE_TIMEOUT_MS: a node that
 * stops answering must not hold up the program; `signal` ends them early) and returns what the
 * files say now. pvesh is a Perl program proxied to the other node: hundreds of milliseconds
 * per call, which the TUI's first frame does not wait for.
 */
export function startClusterRead(
  root: string,
  runner: CommandRunner,
  nodeName: string,
  signal?: AbortSignal,
): ClusterRead {
  const corosync = readText(join(root, 'etc/pve/corosync.conf'));
  if (corosync === null) return { members: null, full: Promise.resolve(null) };
  const notices: Notice[] = [];
  let name: string | null = null;
  let nodes: ClusterInfo['nodes'] = [];
  const members = readText(join(root, 'etc/pve/.members'));
  try {
    const m = JSON.parse(members ?? 'null') as {
      cluster?: { name?: string };
      nodelist?: Record<string, { online?: number }>;
    } | null;
    if (m?.nodelist) {
      name = m.cluster?.name ?? null;
      nodes = Object.entries(m.nodelist).map(([n, v]) => ({ name: n, online: v.online === 1, local: n === nodeName }));
    }
  } catch {
    notices.push({
      where: 'etc/pve/.members',
      message: 'not valid JSON: node list taken from corosync.conf, online state unknown',
    });
  }
  if (!nodes.length) nodes = corosyncNodes(corosync).map((n) => ({ name: n, online: true, local: n === nodeName }));
  name ??= /cluster_name:\s*(\S+)/.exec(corosync)?.[1] ?? null;
  nodes.sort((a, b) => (a.name < b.name ? -1 : 1));
  const others = nodes.filter((x) => !x.local);
  const mappingUsers = otherNodesMappingUsers(
    root,
    others.map((n) => n.name),
  );
  const answers = others.map(async (n): Promise<RemotePciDevice[] | string> => {
    if (!n.online) return OFFLINE;
    try {
      const r = await runner.run(hardwarePciArgv(n.name), { timeoutMs: REMOTE_TIMEOUT_MS, signal });
      return r.exitCode === 0
        ? parseHardwarePci(r.stdout)
        : `pvesh failed (exit ${r.exitCode}): ${`${r.stderr}${r.stdout}`.trim().split('\n')[0]}`;
    } catch (e) {
      return `pvesh could not run: ${(e as Error).message}`;
    }
  });
  const info = (devices: ClusterInfo['devices'], more: Notice[]): ClusterInfo => ({
    name,
    nodes,
    devices,
    notices: [...notices, ...more],
    mappingUsers,
  });
  const full = Promise.all(answers).then((got) => {
    const devices: ClusterInfo['devices'] = {};
    const more: Notice[] = [];
    others.forEach((n, i) => {
      const a = got[i]!;
      if (typeof a === 'string') {
        devices[n.name] = null;
        more.push({ where: n.name, message: a });
      } else devices[n.name] = a;
    });
    return info(devices, more);
  });
  const devices = Object.fromEntries(others.map((n) => [n.name, null]));
  const pending = others.map((n) => ({
    where: n.name,
    message: n.online ? BEING_READ : OFFLINE,
  }));
  return { members: info(devices, pending), full };
}

/** The hostpci lines of other nodes' VMs that name a mapping (an unreadable config is skipped: the mapping dialog and --unmap say nothing of it). */
function otherNodesMappingUsers(root: string, nodes: string[]): NonNullable<ClusterInfo['mappingUsers']> {
  const out: NonNullable<ClusterInfo['mappingUsers']> = [];
  for (const node of nodes) {
    const dir = `etc/pve/nodes/${node}/qemu-server`;
    for (const f of listDir(join(root, dir)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10))) {
      const m = /^(\d+)\.conf$/.exec(f);
      const text = m ? readText(join(root, dir, f)) : null;
      if (!m || text === null) continue;
      const { doc } = parseVmConf(text, `${dir}/${f}`);
      for (const h of hostpciEntries(doc))
        if (h.mapping)
          out.push({
            node,
            vmid: Number(m[1]),
            name: getKey(doc, 'name') ?? null,
            slot: `hostpci${h.index}`,
            mapping: h.mapping,
          });
    }
  }
  return out;
}
