// PCI address helpers. Full form is `dddd:bb:ss.f`; configs may omit the domain or function.

const ANY = /^(?:([0-9a-f]{4,}):)?([0-9a-f]{2}):([0-9a-f]{2})(?:\.([0-7]))?$/;

/** `03:00.0` -> `0000:03:00.0`; `03:00` -> `0000:03:00` (a whole slot); null when not an address. */
export function normalizeAddress(s: string): string | null {
  const m = ANY.exec(s.trim().toLowerCase());
  if (!m) return null;
  const base = `${m[1] ?? '0000'}:${m[2]}:${m[3]}`;
  return m[4] === undefined ? base : `${base}.${m[4]}`;
}

/** The slot (`dddd:bb:ss`) of a full address. */
export const slotOf = (addr: string) => addr.replace(/\.[0-7]$/, '');

/** Does a config id (slot or function, any form) refer to this full address? */
export function idMatches(id: string, addr: string): boolean {
  const n = normalizeAddress(id);
  if (!n) return false;
  return n.includes('.') ? n === addr : n === slotOf(addr);
}

export const compareAddress = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function rid(addr: string): number {
  const [, bus, sf] = addr.split(':') as [string, string, string];
  const [slot, fn] = sf.split('.') as [string, string];
  return (parseInt(bus, 16) << 8) | (parseInt(slot, 16) << 3) | Number(fn);
}

/**
 * Addresses the VFs of a PF will get, inferred from the live ones (SR-IOV: first VF offset and
 * stride in routing-id space). Null when no VF is live to learn the layout from.
 */
export function predictVfAddresses(pf: string, liveVfs: string[], count: number): string[] | null {
  if (!liveVfs.length) return null;
  const offset = rid(liveVfs[0]!) - rid(pf);
  const stride = liveVfs.length > 1 ? rid(liveVfs[1]!) - rid(liveVfs[0]!) : 1;
  const domain = pf.slice(0, pf.indexOf(':'));
  return Array.from({ length: count }, (_, i) => {
    const r = rid(pf) + offset + i * stride;
    return `${domain}:${((r >> 8) & 0xff).toString(16).padStart(2, '0')}:${((r >> 3) & 0x1f).toString(16).padStart(2, '0')}.${r & 7}`;
  });
}
