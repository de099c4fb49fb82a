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

/** Routing id (bus << 8 | slot << 3 | function), the space SR-IOV offsets and strides count in. */
function rid(addr: string): number {
  const [, bus, sf] = addr.split(':') as [string, string, string];
  const [slot, fn] = sf.split('.') as [string, string];
  return (parseInt(bus, 16) << 8) | (parseInt(slot, 16) << 3) | Number(fn);
}

/** Addresses of a PF's first `count` virtual functions (PCIe SR-IOV: first VF offset and stride). */
export function vfAddresses(pf: string, count: number, offset = 0x10, stride = 1): string[] {
  const domain = pf.slice(0, pf.indexOf(':'));
  return Array.from({ length: count }, (_, i) => {
    const r = rid(pf) + offset + i * stride;
    return `${domain}:${((r >> 8) & 0xff).toString(16).padStart(2, '0')}:${((r >> 3) & 0x1f).toString(16).padStart(2, '0')}.${r & 7}`;
  });
}

/**
 * Addresses the VFs of a PF will get: from its sriov_offset / sriov_stride attributes, else
 * inferred from the live VFs. Null when neither tells the layout.
 */
export function predictVfAddresses(
  pf: { address: string; virtfns: string[]; sriov: { offset: number | null; stride: number | null } | null },
  count: number,
): string[] | null {
  const live = pf.virtfns;
  const offset = pf.sriov?.offset ?? (live.length ? rid(live[0]!) - rid(pf.address) : null);
  const stride = pf.sriov?.stride ?? (live.length > 1 ? rid(live[1]!) - rid(live[0]!) : 1);
  return offset === null ? null : vfAddresses(pf.address, count, offset, stride);
}
