// PCI address helpers. Full form is `dddd:bb:ss.f`; configs may omit the domain or function.

const FULL = /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const ANY = /^(?:([0-9a-f]{4,}):)?([0-9a-f]{2}):([0-9a-f]{2})(?:\.([0-7]))?$/;

export const isFullAddress = (s: string) => FULL.test(s);

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
