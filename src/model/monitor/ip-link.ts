// Reads the VF list out of `ip -s -d -j link show <pf>` (iproute2's JSON). Field names moved
// between iproute2 versions: the VF's MAC is `address` (6.x) or `mac` (4.x/5.x), its tx counters
// `bytes`/`packets` or `tx_bytes`/`tx_packets`, its VLAN a `vlan_list` or a plain `vlan`; all are
// read. Anything else (not JSON, no such device) is an error in words, never a throw.
import { COUNTERS, type Counters, type VfReading } from './types.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, null])) as Counters;
}

function vfCounters(stats: Json | null): Counters {
  const c = emptyCounters();
  const rx = obj(stats?.rx);
  const tx = obj(stats?.tx);
  c.rxBytes = num(rx?.bytes);
  c.rxPackets = num(rx?.packets);
  c.rxDropped = num(rx?.dropped);
  c.txBytes = num(tx?.bytes) ?? num(tx?.tx_bytes);
  c.txPackets = num(tx?.packets) ?? num(tx?.tx_packets);
  c.txDropped = num(tx?.dropped);
  return c;
}

/** The VFs of one interface's entry (`ip ... link show <pf>`: the first one). */
export function parseIpLinkVfs(stdout: string): VfReading[] | { error: string } {
  const links = parseIpLinks(stdout);
  if ('error' in links) return links;
  const first = links.values().next();
  return first.done ? { error: 'ip listed no such interface' } : first.value;
}

/** Every interface's VFs by name, from `ip -s -d -j link show` with or without a device. */
export function parseIpLinks(stdout: string): Map<string, VfReading[]> | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    return { error: 'ip printed no JSON (iproute2 too old for -j?)' };
  }
  if (!Array.isArray(data)) return { error: 'ip printed JSON that is not a list of interfaces' };
  const out = new Map<string, VfReading[]>();
  for (const raw of data) {
    const link = obj(raw);
    const name = str(link?.ifname);
    if (link && name !== null) out.set(name, vfsOf(link));
  }
  return out;
}

function vfsOf(link: Json): VfReading[] {
  const list = Array.isArray(link.vfinfo_list) ? link.vfinfo_list : [];
  const out: VfReading[] = [];
  for (const raw of list) {
    const v = obj(raw);
    const vf = num(v?.vf);
    if (!v || vf === null) continue;
    const vlans = Array.isArray(v.vlan_list)
      ? v.vlan_list.map((x) => num(obj(x)?.vlan)).filter((x): x is number => x !== null)
      : [];
    out.push({
      vf,
      mac: str(v.address) ?? str(v.mac),
      vlan: vlans[0] ?? num(v.vlan),
      spoofchk: bool(v.spoofchk),
      trust: bool(v.trust),
      linkState: str(v.link_state),
      counters: vfCounters(obj(v.stats)),
    });
  }
  return out;
}
