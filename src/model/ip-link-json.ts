// The one reader of `ip -j link show` (iproute2's JSON) for SR-IOV: each interface's
// vfinfo_list, entry by entry, into one record. The VF settings reader (`ip -d -j`, through
// vf-settings.ts) and the Monitor's sampler (`ip -s -d -j`, through monitor/ip-link.ts) both build
// on it. Both iproute2 generations are read:
// - older (4.x): the MAC is `mac`; VLAN and QoS flat (`vlan`, `qos`) or in `vlan_list` (kernel
//   >= 4.9); tx counters `tx_bytes`/`tx_packets`, no dropped counters;
// - newer (5.x/6.x): the MAC is `address` beside `link_type` and `broadcast`; VLAN and QoS in
//   `vlan_list`; tx counters `bytes`/`packets`, rx and tx `dropped`.
// In both, ip prints `vlan` and `qos` only when non-zero, the legacy `tx_rate` only when
// non-zero, and spoofchk, trust and link_state only when the driver reports them.
// Bad input (not JSON, not a list, an entry without its index) is an error in words, never a throw.
import { COUNTERS, type Counters } from './monitor/types.ts';
import type { VfLinkState } from './types.ts';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
export const ZERO_MAC = '00:00:00:00:00:00';
export const LINK_STATES: readonly VfLinkState[] = ['auto', 'enable', 'disable'];

/** Lower case `xx:xx:xx:xx:xx:xx`, or null when `s` is not written that way. */
export function normalizeMac(s: string): string | null {
  const m = s.trim().toLowerCase();
  return MAC_RE.test(m) ? m : null;
}

/**
 * One vfinfo_list entry. "Unset" is decided here, once, for every view (details pane, `list`,
 * `list --json`, the VF settings editor, the planner, the Monitor):
 * - no MAC set is ZERO_MAC, the kernel's own value: ip prints it, `list --json` documents it,
 *   the planner's undo writes it back (`ip link set <pf> vf N mac 00:00:00:00:00:00` clears
 *   it) and the editor offers a MAC in its place. null is only a MAC ip printed that we cannot
 *   read (field missing, or not six bytes: an InfiniBand VF's 20-byte address), so an
 *   unreadable one is never taken for "none set" here.
 * - no VLAN is 0 (with QoS 0): the kernel always reports a VLAN, 0 meaning untagged, and ip
 *   leaves the field out when it is 0; so a missing `vlan` is 0, never "unknown".
 */
export interface IpVfEntry {
  vf: number;
  mac: string | null;
  vlan: number;
  qos: number;
  /** null: the driver does not report it. */
  spoofchk: boolean | null;
  trust: boolean | null;
  linkState: VfLinkState | null;
  /** Tx rate limits in Mbit/s (0: none); null when ip printed neither `rate` nor `tx_rate`. */
  rate: { maxTx: number; minTx: number } | null;
  /** The VF's counters (`ip -s`); null when ip printed no `stats`. Never errors: VFs do not report them. */
  counters: Counters | null;
}

/** One interface of the answer; `problems`: its vfinfo_list entries that could not be read, in words. */
export interface IpLinkVfs {
  /** '' when ip printed none. */
  ifname: string;
  vfs: IpVfEntry[];
  problems: string[];
}

/** The error when ip's answer does not parse (callers may add why it might be). */
export const IP_NO_JSON = 'ip printed no JSON';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function countersOf(stats: Json | null): Counters | null {
  if (!stats) return null;
  const c = Object.fromEntries(COUNTERS.map((k) => [k, null])) as Counters;
  const rx = obj(stats.rx);
  const tx = obj(stats.tx);
  c.rxBytes = num(rx?.bytes);
  c.rxPackets = num(rx?.packets);
  c.rxDropped = num(rx?.dropped);
  c.txBytes = num(tx?.bytes) ?? num(tx?.tx_bytes);
  c.txPackets = num(tx?.packets) ?? num(tx?.tx_packets);
  c.txDropped = num(tx?.dropped);
  return c;
}

function rateOf(e: Json): IpVfEntry['rate'] {
  const r = obj(e.rate);
  const legacy = num(e.tx_rate);
  if (!r && legacy === null) return null;
  return { maxTx: num(r?.max_tx) ?? legacy ?? 0, minTx: num(r?.min_tx) ?? 0 };
}

/** One vfinfo_list entry, or why it cannot be read (only the VF index is required). */
export function parseVfEntry(raw: unknown): IpVfEntry | { error: string } {
  const e = obj(raw);
  if (!e) return { error: 'a vfinfo_list entry that is not an object' };
  const vf = num(e.vf);
  if (vf === null || !Number.isInteger(vf) || vf < 0) return { error: 'a vfinfo_list entry without its vf index' };
  const macText = typeof e.address === 'string' ? e.address : typeof e.mac === 'string' ? e.mac : null;
  // The first tag of vlan_list (a VF has one unless 802.1ad stacking), else the flat fields.
  const tag = Array.isArray(e.vlan_list) ? (obj(e.vlan_list[0]) ?? {}) : e;
  const state = typeof e.link_state === 'string' ? e.link_state : null;
  return {
    vf,
    mac: macText === null ? null : normalizeMac(macText),
    vlan: num(tag.vlan) ?? 0,
    qos: num(tag.qos) ?? 0,
    spoofchk: bool(e.spoofchk),
    trust: bool(e.trust),
    linkState: state !== null && (LINK_STATES as string[]).includes(state) ? (state as VfLinkState) : null,
    rate: rateOf(e),
    counters: countersOf(obj(e.stats)),
  };
}

/**
 * Every interface of `ip [-s] [-d] -j link show [dev]`, each with its VFs in index order (none
 * when it has no vfinfo_list). Entries that cannot be read are left out and named in `problems`:
 * each caller decides whether that spoils the rest.
 */
export function parseIpLinkJson(stdout: string): IpLinkVfs[] | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    return { error: IP_NO_JSON };
  }
  if (!Array.isArray(data)) return { error: 'ip printed JSON that is not a list of interfaces' };
  const out: IpLinkVfs[] = [];
  for (const raw of data) {
    const link = obj(raw);
    if (!link) continue;
    const ifname = typeof link.ifname === 'string' ? link.ifname : '';
    const vfs: IpVfEntry[] = [];
    const problems: string[] = [];
    const list = link.vfinfo_list;
    if (list !== undefined && !Array.isArray(list)) problems.push('vfinfo_list is not a list');
    for (const entry of Array.isArray(list) ? list : []) {
      const r = parseVfEntry(entry);
      if ('error' in r) problems.push(r.error);
      else vfs.push(r);
    }
    out.push({ ifname, vfs: vfs.sort((a, b) => a.vf - b.vf), problems });
  }
  return out;
}
