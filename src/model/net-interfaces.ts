// /etc/network/interfaces (ifupdown2 on Proxmox VE): just enough to say what the host loses with
// a network interface: its own addresses, the bridges and bonds it is a port of (with their
// addresses), and VLANs on it. Read-only; stanzas are `iface NAME ...` followed by indented
// options until the next top-level keyword.

export interface IfaceStanza {
  name: string;
  /** `static`, `manual`, `dhcp`, ... (the word after inet / inet6). */
  method: string | null;
  /** 1-based line of the `iface` line. */
  line: number;
  /** option name -> values, in order (`address`, `bridge-ports`, `post-up`, ...). */
  options: Array<{ key: string; value: string; line: number }>;
}

const TOP = /^(iface|auto|allow-\S+|source|source-directory|mapping|rename)\b/;

export function parseInterfaces(text: string): IfaceStanza[] {
  const out: IfaceStanza[] = [];
  let cur: IfaceStanza | null = null;
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    if (TOP.test(l)) {
      const w = l.split(/\s+/);
      cur = w[0] === 'iface' && w[1] ? { name: w[1], method: w[3] ?? null, line: i + 1, options: [] } : null;
      if (cur) out.push(cur);
      return;
    }
    if (cur) {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      (cur as IfaceStanza).options.push({ key: m[1]!, value: m[2]!, line: i + 1 });
    }
  });
  return out;
}

const values = (s: IfaceStanza, ...keys: string[]) => s.options.filter((o) => keys.includes(o.key)).map((o) => o.value);
const words = (v: string[]) => v.flatMap((x) => x.split(/\s+/)).filter(Boolean);

/**
 * What the host configures on interface `ifname`, one phrase each: `10.20.0.2/24 on enp3s16f5`,
 * `port of bridge vmbr1 (10.10.0.2/24)`, `slave of bond bond0`, `VLAN enp3s16f5.10`. Empty when
 * the interfaces files say nothing about it beyond `manual`.
 */
export function interfaceUses(texts: string[], ifname: string): string[] {
  const stanzas = texts.flatMap(parseInterfaces);
  const out: string[] = [];
  // Every stanza of a name counts (an inet and an inet6 one, say).
  const addr = (name: string) => {
    const of = stanzas.filter((x) => x.name === name);
    const a = of.flatMap((x) => values(x, 'address'));
    return a.length ? a.join(', ') : of.some((x) => x.method === 'dhcp') ? 'dhcp' : '';
  };
  for (const s of stanzas) {
    if (s.name === ifname) {
      const a = addr(s.name);
      if (a) out.push(`${a} on ${ifname}`);
      continue;
    }
    const a = addr(s.name);
    const suffix = a ? ` (${a})` : '';
    if (words(values(s, 'bridge-ports', 'bridge_ports')).includes(ifname))
      out.push(`port of bridge ${s.name}${suffix}`);
    else if (words(values(s, 'bond-slaves', 'bond_slaves', 'slaves')).includes(ifname))
      out.push(`slave of bond ${s.name}${suffix}`);
    else if (s.name.startsWith(`${ifname}.`) || values(s, 'vlan-raw-device', 'vlan_raw_device').includes(ifname))
      out.push(`VLAN ${s.name}${suffix}`);
  }
  return [...new Set(out)];
}
