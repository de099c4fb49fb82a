// Proxmox PCI resource mappings (`/cluster/mapping/pci`) as Proxmox itself writes them, so the
// plan can show the exact diff of /etc/pve/mapping/pci.cfg that `pvesh` will produce, and the
// simulated pvesh on a fixture tree can produce it with the same function.
//
// Facts relied on (read from Proxmox's sources):
// - pve-guest-common PVE/Mapping/PCI.pm: pci.cfg is a SectionConfig whose section header is the
//   bare id (`format_section_header` returns "$id\n"); ids are `pve-configid`
//   (pve-common JSONSchema $CONFIGID_RE: /^[a-z][a-z0-9_-]+$/i). Properties: `map` (required,
//   an array: one `map` line per entry), `description` (optional, max 4096), `mdev` (optional
//   boolean). A map entry is a property string: node (pve-node), path (`dddd:bb:dd[.f]`, `;`
//   joins alternatives; without `.f` the whole device), id (`vvvv:dddd`, required),
//   subsystem-id (`vvvv:dddd`, optional), iommugroup (integer, optional), description.
//   get_node_mapping returns every map entry of a node: several entries for one node are a
//   pool, qemu-server takes the first free one when the VM starts.
//   assert_valid (at VM start and in the API's check-node list) compares id, subsystem-id (must
//   be present exactly when the device has one) and iommugroup (first path only) with sysfs.
// - pve-common PVE/SectionConfig.pm write_config: sections in file order, new ones appended;
//   per section the header, then the required options sorted by name (`map`: one line
//   "\tmap VALUE" per entry), then the optional ones sorted by name ("\tdescription ...",
//   "\tmdev 1"), then an empty line after each section. Comments are not kept. Values are written
//   as given (a map entry string is stored as typed: the GUI sorts its keys, so do we).
// - pve-manager PVE/API2/Cluster/Mapping/PCI.pm: POST /cluster/mapping/pci (id, map[],
//   description) refuses an id that exists; PUT /cluster/mapping/pci/{id} replaces each given
//   property whole (`map` given = the complete new list), `delete` removes optional ones;
//   DELETE /cluster/mapping/pci/{id} removes the section (no error when it is absent). pvesh
//   passes an array parameter as the option repeated: `--map A --map B`.
// - qemu-server: `hostpciN: mapping=NAME[,pcie=1,x-vga=1,rombar=0,...]` instead of a host path.
import type { PciDevice } from './types.ts';

export const MAPPING_API = '/cluster/mapping/pci';
export const MAPPING_FILE = 'etc/pve/mapping/pci.cfg';

/** pve-configid: what the API accepts as a mapping name. */
export const MAPPING_NAME_RE = /^[a-z][a-z0-9_-]+$/i;
/** pve-node: a cluster node name. */
export const NODE_NAME_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** One section of pci.cfg with its values as written (map entries as raw property strings). */
export interface MappingSection {
  id: string;
  map: string[];
  /** Every other property in file order (description, mdev, newer ones Proxmox may add). */
  props: Array<[string, string]>;
}

/** Parses pci.cfg the way SectionConfig does: header line, then indented `key value` lines. */
export function parseSections(text: string): MappingSection[] {
  const out: MappingSection[] = [];
  let cur: MappingSection | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line)) continue;
    if (!line.trim()) {
      cur = null; // an empty line ends a section in SectionConfig
      continue;
    }
    if (!/^\s/.test(line)) {
      cur = { id: line.trim(), map: [], props: [] };
      out.push(cur);
      continue;
    }
    const m = /^\s+(\S+)(?:\s+(.*\S))?\s*$/.exec(line);
    if (!cur || !m) continue;
    if (m[1] === 'map') cur.map.push(m[2] ?? '');
    else cur.props.push([m[1]!, m[2] ?? '']);
  }
  return out;
}

/** What SectionConfig write_config prints for these sections. */
export function printSections(sections: readonly MappingSection[]): string {
  return sections
    .map((s) => {
      const lines = [s.id, ...s.map.map((v) => `\tmap ${v}`)];
      const rest = [...s.props].filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [k, v] of rest) lines.push(`\t${k} ${v}`);
      return `${lines.join('\n')}\n\n`;
    })
    .join('');
}

/** A map entry's fields (unknown keys kept). */
export function parseMapEntry(s: string): Record<string, string> {
  return Object.fromEntries(
    s
      .split(',')
      .filter(Boolean)
      .map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
      }),
  );
}

/** Keys sorted, as the GUI prints property strings. */
export function formatMapEntry(kv: Record<string, string>): string {
  return Object.keys(kv)
    .sort()
    .map((k) => `${k}=${kv[k]}`)
    .join(',');
}

/** What Proxmox checks a device against: ids, subsystem ids and group. */
export interface MappableDevice {
  address: string;
  vendorId: string;
  deviceId: string;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  iommuGroup: number | null;
}

export const deviceId = (d: MappableDevice) => `${d.vendorId}:${d.deviceId}`;
export const subsystemId = (d: MappableDevice) =>
  d.subsystemVendorId && d.subsystemDeviceId ? `${d.subsystemVendorId}:${d.subsystemDeviceId}` : null;
/** The kind of device a mapping names: vendor:device and subsystem, when known. */
export const deviceKind = (d: MappableDevice) =>
  `${deviceId(d)}${subsystemId(d) ? ` (subsystem ${subsystemId(d)})` : ''}`;

/** The map entry Proxmox's GUI would write for this device on `node` (what assert_valid checks). */
export function mapEntryFor(d: MappableDevice | PciDevice, node: string): string {
  const kv: Record<string, string> = { id: deviceId(d), node, path: d.address };
  if (d.iommuGroup !== null) kv.iommugroup = String(d.iommuGroup);
  const sub = subsystemId(d);
  if (sub) kv['subsystem-id'] = sub;
  return formatMapEntry(kv);
}

// ---- pvesh, as argument arrays, and what each call does to pci.cfg --------------------------

export type MappingCall =
  | { op: 'create'; id: string; map: string[]; description?: string }
  | { op: 'set'; id: string; map: string[]; description?: string }
  | { op: 'delete'; id: string };

export function pveshArgv(c: MappingCall): string[] {
  if (c.op === 'delete') return ['pvesh', 'delete', `${MAPPING_API}/${c.id}`];
  const argv =
    c.op === 'create' ? ['pvesh', 'create', MAPPING_API, '--id', c.id] : ['pvesh', 'set', `${MAPPING_API}/${c.id}`];
  for (const m of c.map) argv.push('--map', m);
  if (c.description !== undefined) argv.push('--description', c.description);
  return argv;
}

/** The call an argv stands for (null: not a mapping write). */
export function parsePveshArgv(argv: readonly string[]): MappingCall | null {
  if (argv[0] !== 'pvesh') return null;
  const verb = argv[1];
  const path = argv[2] ?? '';
  const opts: Array<[string, string]> = [];
  for (let i = 3; i < argv.length; i += 2) opts.push([argv[i]!.replace(/^--?/, ''), argv[i + 1] ?? '']);
  const map = opts.filter(([k]) => k === 'map').map(([, v]) => v);
  const description = opts.find(([k]) => k === 'description')?.[1];
  const under = path.startsWith(`${MAPPING_API}/`) ? path.slice(MAPPING_API.length + 1) : null;
  if (verb === 'create' && path === MAPPING_API) {
    const id = opts.find(([k]) => k === 'id')?.[1];
    return id ? { op: 'create', id, map, ...(description !== undefined ? { description } : {}) } : null;
  }
  if (verb === 'set' && under)
    return { op: 'set', id: under, map, ...(description !== undefined ? { description } : {}) };
  if (verb === 'delete' && under) return { op: 'delete', id: under };
  return null;
}

/** pci.cfg after the call, as Proxmox writes it; an Error with Proxmox's message when it refuses. */
export function applyMappingCall(text: string, c: MappingCall): string {
  const sections = parseSections(text);
  const at = sections.findIndex((s) => s.id === c.id);
  if (c.op === 'create') {
    if (at >= 0) throw new Error(`create hardware mapping failed: pci ID '${c.id}' already defined`);
    if (!MAPPING_NAME_RE.test(c.id))
      throw new Error(`400 Parameter verification failed.\nid: invalid configuration ID '${c.id}'`);
    if (!c.map.length)
      throw new Error(`400 Parameter verification failed.\nmap: property is missing and it is not optional`);
    sections.push({ id: c.id, map: [...c.map], props: c.description ? [['description', c.description]] : [] });
  } else if (c.op === 'set') {
    if (at < 0) throw new Error(`update hardware mapping failed: pci ID '${c.id}' does not exist`);
    const s = sections[at]!;
    if (c.map.length) s.map = [...c.map];
    if (c.description !== undefined)
      s.props = [...s.props.filter(([k]) => k !== 'description'), ['description', c.description]];
  } else if (at >= 0) sections.splice(at, 1);
  return printSections(sections);
}
