// Per-VF settings (MAC, VLAN and QoS, trust, spoof check, link state), set through the PF's
// network driver: `ip link set <pf-if> vf N ...`. Here: reading what `ip -d -j link show` reports
// (vfinfo_list), checking what the operator asks, the MAC we offer, the argv, our udev rule's
// RUN entries, and the hand-made `post-up ip link set <pf-if> vf N ...` lines a node may have.
import { LINK_STATES, normalizeMac, parseIpLinkJson, ZERO_MAC, type IpLinkVfs } from './ip-link-json.ts';
import { parseInterfaces } from './net-interfaces.ts';
import type { HostSnapshot, Intent, PciDevice, VfInfo, VfLinkState, VfSettings } from './types.ts';

// Defined with the ip reader; re-exported for the store, CLI and host, which import them from here.
export { LINK_STATES, normalizeMac, ZERO_MAC };

/** Why `mac` cannot be a VF's own address (null: it can). */
export function macProblem(mac: string): string | null {
  const m = normalizeMac(mac);
  if (!m) return `'${mac}' is not a MAC address (six hex pairs: 02:00:00:00:00:01)`;
  if (m === ZERO_MAC) return 'the all-zero MAC is not an address (it means "unset")';
  if (parseInt(m.slice(0, 2), 16) & 1)
    return `${m} is a multicast address (the first byte is odd): a VF needs a unicast one`;
  return null;
}

/** A VF's settings as the driver reports them, as the settings one would set. */
export function settingsOfInfo(i: VfInfo): VfSettings {
  return {
    mac: i.mac,
    vlan: i.vlan,
    qos: i.qos,
    ...(i.trust === null ? {} : { trust: i.trust }),
    ...(i.spoofchk === null ? {} : { spoofchk: i.spoofchk }),
    ...(i.state === null ? {} : { state: i.state }),
  };
}

/**
 * The VFs of `ip -d -j link show <pf-if>` (the first interface listed), read by parseIpLinkJson
 * (which decides what "unset" is). Any entry it cannot read fails the whole list, and so does a
 * MAC it cannot read: these settings feed the planner's undo, the MACs in use and the editor
 * (which offers a MAC where none is set), so a partial or guessed list would do harm.
 */
export function parseVfInfoJson(stdout: string): { ifname: string; vfs: VfInfo[] } | { error: string } {
  return vfInfoOf(parseIpLinkJson(stdout), null);
}

/**
 * The VF settings of interface `ifname` in a parsed ip answer (`ip ... link show`, every link),
 * or of its first interface when `ifname` is null (`ip ... link show <if>`).
 */
export function vfInfoOf(
  links: ReturnType<typeof parseIpLinkJson>,
  ifname: string | null,
): { ifname: string; vfs: VfInfo[] } | { error: string } {
  if ('error' in links) return links;
  const link = ifname === null ? links[0] : links.find((l) => l.ifname === ifname);
  if (!link) return { error: ifname === null ? 'ip printed no link' : `no link ${ifname} listed` };
  return vfInfoOfLink(link);
}

/** One interface's VF settings; any VF that could not be read spoils the list (the editor would guess). */
function vfInfoOfLink(link: IpLinkVfs): { ifname: string; vfs: VfInfo[] } | { error: string } {
  if (link.problems.length) return { error: link.problems[0]! };
  const vfs: VfInfo[] = [];
  for (const v of link.vfs) {
    if (v.mac === null) return { error: `VF ${v.vf}: ip printed no MAC that reads as six hex pairs` };
    vfs.push({
      vf: v.vf,
      mac: v.mac,
      vlan: v.vlan,
      qos: v.qos,
      trust: v.trust,
      spoofchk: v.spoofchk,
      state: v.linkState,
    });
  }
  return { ifname: link.ifname, vfs };
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

/**
 * The `ip link set <if> vf N` words for `s`, in ip's order. VLAN and QoS go together (ip takes
 * `qos` only after `vlan`), so either one brings the other from `full`.
 */
export function vfSettingsArgs(s: VfSettings, full: VfSettings = s): string[] {
  const out: string[] = [];
  if (s.mac !== undefined) out.push('mac', s.mac);
  if (s.vlan !== undefined || s.qos !== undefined)
    out.push('vlan', String(s.vlan ?? full.vlan ?? 0), 'qos', String(s.qos ?? full.qos ?? 0));
  if (s.trust !== undefined) out.push('trust', onOff(s.trust));
  if (s.spoofchk !== undefined) out.push('spoofchk', onOff(s.spoofchk));
  if (s.state !== undefined) out.push('state', s.state);
  return out;
}

/** `mac 02:.. vlan 10 qos 0 trust on ...` (what follows `vf N`) back into settings; null when not that. */
export function parseVfSettingsWords(words: string[]): VfSettings | null {
  const s: VfSettings = {};
  const bool = (v: string | undefined) => (v === 'on' ? true : v === 'off' ? false : null);
  for (let i = 0; i < words.length; i += 2) {
    const [k, v] = [words[i]!, words[i + 1]];
    if (v === undefined) return null;
    if (k === 'mac' && normalizeMac(v)) s.mac = normalizeMac(v)!;
    else if ((k === 'vlan' || k === 'qos') && /^\d+$/.test(v)) s[k] = Number(v);
    else if ((k === 'trust' || k === 'spoofchk') && bool(v) !== null) s[k] = bool(v)!;
    else if (k === 'state' && (LINK_STATES as string[]).includes(v)) s.state = v as VfLinkState;
    else return null;
  }
  return s;
}

/** One line for the operator: `mac 02:.., vlan 10 (qos 0), trust on, spoofchk off, link auto`. */
export function describeVfSettings(s: VfSettings): string {
  const parts: string[] = [];
  if (s.mac !== undefined) parts.push(`mac ${s.mac}`);
  if (s.vlan !== undefined || s.qos !== undefined)
    parts.push(s.vlan ? `vlan ${s.vlan}${s.qos ? ` qos ${s.qos}` : ''}` : s.qos ? `qos ${s.qos}` : 'no vlan');
  if (s.trust !== undefined) parts.push(`trust ${onOff(s.trust)}`);
  if (s.spoofchk !== undefined) parts.push(`spoofchk ${onOff(s.spoofchk)}`);
  if (s.state !== undefined) parts.push(`link ${s.state}`);
  return parts.join(', ') || 'nothing';
}

/** A VF's settings as its driver reports them, in words (an all-zero MAC: none set). */
export function describeVfInfo(v: VfInfo): string {
  return describeVfSettings(settingsOfInfo(v)).replace(`mac ${ZERO_MAC}`, 'no mac set');
}

/** Settings in `next` that differ from `now` (a field `now` does not know counts as different). */
export function changedSettings(now: VfSettings | null, next: VfSettings): VfSettings {
  const out: VfSettings = {};
  for (const k of Object.keys(next) as Array<keyof VfSettings>) {
    if (next[k] !== undefined && (!now || now[k] !== next[k])) (out as Record<string, unknown>)[k] = next[k];
  }
  return out;
}

/**
 * The locally administered MAC we offer for VF `index` of `pf`: 02 (locally administered,
 * unicast), the PF's bus, device/function and domain bytes, then the index in two bytes, so the
 * same VF gets the same address on every run. When that one is taken the domain byte steps on.
 */
export function defaultVfMac(pf: string, index: number, used: ReadonlySet<string>): string {
  const m = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(pf);
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
  const [bus, devfn, dom] = m
    ? [parseInt(m[2]!, 16), (parseInt(m[3]!, 16) << 3) | Number(m[4]), parseInt(m[1]!, 16)]
    : [0, 0, 0];
  for (let k = 0; k < 256; k++) {
    const mac = ['02', hex(bus), hex(devfn), hex(dom + k), hex(index >> 8), hex(index)].join(':');
    if (!used.has(mac)) return mac;
  }
  return ['02', hex(bus), hex(devfn), hex(dom), hex(index >> 8), hex(index)].join(':');
}

/**
 * Every MAC on the node and who has it, except VF `vf` of `pf` itself (and its own host
 * interface, which carries the VF's MAC): interfaces (sys/class/net), the VFs' current MACs,
 * those in our rule (`persisted`) and other staged settings.
 */
export function macsInUse(
  snap: HostSnapshot,
  pf: string,
  vf: number,
  staged: Intent[],
  persisted: Map<string, Map<number, VfSettings>> = new Map(),
): Map<string, string> {
  const out = new Map<string, string>();
  const pfDev = snap.devices.find((d) => d.address === pf);
  const own = new Set(snap.devices.find((d) => d.address === pfDev?.virtfns[vf])?.netInterfaces ?? []);
  const add = (mac: string | undefined, who: string) => {
    if (mac && mac !== ZERO_MAC && !out.has(mac)) out.set(mac, who);
  };
  for (const [addr, info] of Object.entries(snap.vfInfo ?? {}))
    for (const v of info.vfs) if (!(addr === pf && v.vf === vf)) add(v.mac, `VF ${v.vf} of ${addr}`);
  for (const [addr, vfs] of persisted)
    for (const [n, s] of vfs) if (!(addr === pf && n === vf)) add(s.mac, `VF ${n} of ${addr} (at boot)`);
  for (const i of staged)
    if (i.kind === 'vf-settings' && !(i.address === pf && i.vf === vf))
      add(i.settings.mac, `VF ${i.vf} of ${i.address} (staged)`);
  for (const [ifname, mac] of Object.entries(snap.netMacs ?? {})) if (!own.has(ifname)) add(mac, `interface ${ifname}`);
  return out;
}

/** The VF count a PF has once the staged intents are applied. */
export function vfCountAfter(pf: PciDevice, intents: Intent[]): number {
  const staged = intents
    .filter((i): i is Extract<Intent, { kind: 'vfs' }> => i.kind === 'vfs' && i.address === pf.address)
    .at(-1);
  return staged ? staged.count : (pf.sriov?.numVfs ?? 0);
}

/** A hand-made `ip link set <pf-if> vf N ...` in an ifupdown stanza (pre-up, up, post-up). */
export interface HandVfLine {
  path: string;
  /** 1-based. */
  line: number;
  pf: string;
  vf: number;
  settings: VfSettings;
  /** The line runs nothing else, so retiring it loses nothing. */
  alone: boolean;
}

const IP_VF = /(?:^|[;&|]\s*)(?:\S*\/)?ip\s+link\s+set\s+(?:dev\s+)?(\S+)\s+vf\s+(\d+)\s+([^;&|#]*)/g;

/** Every hand-made VF settings line in /etc/network/interfaces(.d), with the PF it sets. */
export function findHandVfSettings(
  files: Record<string, string>,
  pfs: Array<{ address: string; netInterfaces: string[] }>,
): HandVfLine[] {
  const out: HandVfLine[] = [];
  for (const path of Object.keys(files).sort()) {
    if (path !== 'etc/network/interfaces' && !path.startsWith('etc/network/interfaces.d/')) continue;
    const text = files[path]!;
    const ifaceAt = new Map<number, string>();
    for (const s of parseInterfaces(text)) for (const o of s.options) ifaceAt.set(o.line, s.name);
    text.split('\n').forEach((l, i) => {
      const m = /^\s*(pre-up|up|post-up)\s+(.*)$/.exec(l);
      if (!m) return;
      const cmds = m[2]!.split(/[;&|]+/).filter((c) => c.trim());
      for (const x of m[2]!.matchAll(IP_VF)) {
        const ifname = x[1] === '$IFACE' || x[1] === '${IFACE}' ? ifaceAt.get(i + 1) : x[1];
        const pf = pfs.find((p) => ifname && p.netInterfaces.includes(ifname));
        const settings = parseVfSettingsWords(x[3]!.trim().split(/\s+/).filter(Boolean));
        if (pf && settings)
          out.push({ path, line: i + 1, pf: pf.address, vf: Number(x[2]), settings, alone: cmds.length === 1 });
      }
    });
  }
  return out;
}
