// The Monitor's view of `ip -s -d -j link show [<pf>]`: each interface's VFs as read by the one
// ip JSON reader (../ip-link-json.ts, which also decides what an unset MAC or VLAN is), with
// counters always present (null values when ip printed none). An entry that cannot be read is
// left out: the Monitor samples every second and shows what it can (that VF's row then has no
// settings). Anything else (not JSON, no such device) is an error in words, never a throw.
import { IP_NO_JSON, parseIpLinkJson, type IpVfEntry } from '../ip-link-json.ts';
import { COUNTERS, type Counters, type VfReading } from './types.ts';

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, null])) as Counters;
}

/** The VFs of one interface's entry (`ip ... link show <pf>`: the first one). */
export function parseIpLinkVfs(stdout: string): VfReading[] | { error: string } {
  const links = parseIpLinks(stdout);
  if ('error' in links) return links;
  const first = links.values().next();
  return first.done ? { error: 'ip listed no such interface' } : first.value;
}

const reading = (v: IpVfEntry): VfReading => ({
  vf: v.vf,
  mac: v.mac,
  vlan: v.vlan,
  spoofchk: v.spoofchk,
  trust: v.trust,
  linkState: v.linkState,
  counters: v.counters ?? emptyCounters(),
});

/** Every interface's VFs by name, from `ip -s -d -j link show` with or without a device. */
export function parseIpLinks(stdout: string): Map<string, VfReading[]> | { error: string } {
  const links = parseIpLinkJson(stdout);
  // The Monitor's one line per PF says the likely cause (an ip without -j prints text).
  if ('error' in links)
    return links.error === IP_NO_JSON ? { error: `${IP_NO_JSON} (iproute2 too old for -j?)` } : links;
  return new Map(links.filter((l) => l.ifname !== '').map((l) => [l.ifname, l.vfs.map(reading)]));
}
