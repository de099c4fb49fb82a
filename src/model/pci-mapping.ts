// `/etc/pve/mapping/pci.cfg` (PVE SectionConfig): a bare id line starts a mapping, then
// tab-indented `key value` lines; `map` repeats, one per node (`;` in path = alternatives).
import type { Notice, PciMapping } from './types.ts';

export function parsePciMappings(
  text: string,
  notices: Notice[] = [],
  where = 'etc/pve/mapping/pci.cfg',
): PciMapping[] {
  const out: PciMapping[] = [];
  let cur: PciMapping | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.trim().startsWith('#')) return;
    if (!/^\s/.test(line)) {
      cur = { id: line.trim(), description: null, maps: [] };
      out.push(cur);
      return;
    }
    const m = /^\s+(\S+)\s*(.*)$/.exec(line);
    if (!cur || !m) {
      notices.push({ where: `${where}:${i + 1}`, message: 'property outside of a mapping, ignored' });
      return;
    }
    if (m[1] === 'description') cur.description = m[2]!;
    else if (m[1] === 'map') {
      const kv = Object.fromEntries(
        m[2]!.split(',').map((p) => {
          const eq = p.indexOf('=');
          return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
        }),
      );
      const group = kv.iommugroup !== undefined ? Number(kv.iommugroup) : null;
      cur.maps.push({
        node: kv.node ?? null,
        path: (kv.path ?? '').split(';').filter(Boolean),
        id: kv.id ?? null,
        iommugroup: group !== null && Number.isFinite(group) ? group : null,
        subsystemId: kv['subsystem-id'] ?? null,
      });
    }
  });
  return out;
}
