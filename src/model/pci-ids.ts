// Names from a pci.ids file, looked up lazily: the 1.3 MB file is searched for just the ids a
// host has instead of being parsed at start (the scan's first frame is performance-critical).
//
// The format (https://pci-ids.ucw.cz/): a vendor line `vvvv  Name`, then its device lines
// `\tdddd  Name`, each followed by subsystem lines `\t\tssss ssss  Name`. Comment lines (`#` in
// the first column) and blank lines may sit anywhere, also inside a vendor's block (the Intel
// and LSI blocks have dozens), so a block ends only at the next vendor line or at the class
// section (`C cc  Name`, then `\tss  Subclass`, `\t\tpp  Prog-if`) that follows the vendors.

import { decodeLossless } from './bytes.ts';

export interface PciNames {
  vendor(vendorId: string): string | null;
  device(vendorId: string, deviceId: string): string | null;
  /** Name of a subsystem (the board maker's product), null when unknown. */
  subsystem(vendorId: string, deviceId: string, subVendorId: string, subDeviceId: string): string | null;
  /** Class + subclass, 4 hex digits (`0200`): pci.ids' class section, else a built-in table. */
  className(classId: string): string | null;
}

/** Built-in class names so a host without pci.ids still reads well. */
const CLASSES: Record<string, string> = {
  '0100': 'SCSI storage controller',
  '0101': 'IDE interface',
  '0104': 'RAID bus controller',
  '0106': 'SATA controller',
  '0107': 'Serial Attached SCSI controller',
  '0108': 'Non-Volatile memory controller',
  '0200': 'Ethernet controller',
  '0207': 'Infiniband controller',
  '0280': 'Network controller',
  '0300': 'VGA compatible controller',
  '0302': '3D controller',
  '0380': 'Display controller',
  '0403': 'Audio device',
  '0480': 'Multimedia controller',
  '0500': 'RAM memory',
  '0580': 'Memory controller',
  '0600': 'Host bridge',
  '0601': 'ISA bridge',
  '0604': 'PCI bridge',
  '0680': 'Bridge',
  '0700': 'Serial controller',
  '0780': 'Communication controller',
  '0805': 'SD Host controller',
  '0880': 'System peripheral',
  '0c03': 'USB controller',
  '0c05': 'SMBus',
  '0c80': 'Serial bus controller',
  '1080': 'Encryption controller',
  '1101': 'Signal processing controller',
  '1180': 'Signal processing controller',
  '1200': 'Processing accelerators',
};

/** The start of the next vendor line or of the class section: where a vendor's block ends. */
const NEXT_TOP = /\n(?:[0-9a-f]{4}  |C [0-9a-f]{2}  )/g;
/** The start of the next class line: where a class's block ends. */
const NEXT_CLASS = /\nC [0-9a-f]{2}  /g;

/**
 * `file` as read (bytes: what the reader passes) or as text. The bytes are searched as Latin-1,
 * one character per byte, so offsets are byte offsets and a 1.3 MB file costs a copy instead of
 * a UTF-8 check and decode (~15 ms); only the lines found are decoded, losslessly.
 */
export function createPciNames(file: string | Uint8Array | null): PciNames {
  const bytes =
    file === null
      ? Buffer.alloc(0)
      : typeof file === 'string'
        ? Buffer.from(file, 'utf8')
        : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const src = bytes.toString('latin1');
  /** Start and end of each vendor's block ([-1, -1]: not listed). */
  const vendorAt = new Map<string, [number, number]>();
  const vendors = new Map<string, string | null>();
  const devices = new Map<string, string | null>();
  const classes = new Map<string, string | null>();
  /** Where the class section starts (it ends the file: found from the end, cheaply), -1: none. */
  let classStart: number | undefined;
  const classSection = () => {
    if (classStart === undefined) {
      const at = src.lastIndexOf('\nC 00  ');
      classStart =
        at >= 0 ? at + 1 : src.startsWith('C ') ? 0 : src.indexOf('\nC ') >= 0 ? src.indexOf('\nC ') + 1 : -1;
    }
    return classStart;
  };

  function lineAt(pos: number): string {
    const end = src.indexOf('\n', pos);
    return decodeLossless(bytes.subarray(pos, end < 0 ? undefined : end)).replace(/\r$/, '');
  }

  /** Start of the line `head` (matched at a line start, never inside another line), or -1. */
  function findLine(head: string, from: number, to: number): number {
    if (from === 0 && src.startsWith(head)) return 0;
    // The bytes' own search: several times faster than the string's for a pattern that starts
    // with the file's most frequent character.
    const at = bytes.indexOf(`\n${head}`, Math.max(0, from - 1), 'latin1');
    return at < 0 || at + 1 >= to ? -1 : at + 1;
  }

  function blockEnd(re: RegExp, from: number): number {
    re.lastIndex = from;
    const m = re.exec(src);
    return m ? m.index + 1 : src.length;
  }

  function vendorBlock(v: string): [number, number] {
    let b = vendorAt.get(v);
    if (b) return b;
    const at = findLine(`${v}  `, 0, src.length);
    b = at < 0 ? [-1, -1] : [at, blockEnd(NEXT_TOP, at)];
    vendorAt.set(v, b);
    return b;
  }

  /** Start of the device line inside its vendor's block, or -1. */
  function deviceLine(v: string, d: string): number {
    const [at, end] = vendorBlock(v.toLowerCase());
    return at < 0 ? -1 : findLine(`\t${d.toLowerCase()}  `, at, end);
  }

  return {
    vendor(v) {
      const key = v.toLowerCase();
      if (vendors.has(key)) return vendors.get(key)!;
      const [at] = vendorBlock(key);
      const name = at < 0 ? null : lineAt(at).slice(6).trim() || null;
      vendors.set(key, name);
      return name;
    },
    device(v, d) {
      const key = `${v}:${d}`.toLowerCase();
      if (devices.has(key)) return devices.get(key)!;
      const at = deviceLine(v, d);
      const name = at < 0 ? null : lineAt(at).slice(7).trim() || null;
      devices.set(key, name);
      return name;
    },
    subsystem(v, d, sv, sd) {
      const at = deviceLine(v, d);
      if (at < 0) return null;
      const want = `\t\t${sv.toLowerCase()} ${sd.toLowerCase()}  `;
      // Subsystem lines (and comments or blank lines) follow the device line up to the next
      // device line or the end of the vendor's block.
      const [, end] = vendorBlock(v.toLowerCase());
      let pos = src.indexOf('\n', at) + 1;
      while (pos > 0 && pos < end) {
        const line = lineAt(pos);
        if (line.startsWith(want)) return line.slice(want.length).trim() || null;
        if (line.startsWith('\t') && !line.startsWith('\t\t')) break;
        pos = src.indexOf('\n', pos) + 1;
      }
      return null;
    },
    className(c) {
      const id = c.toLowerCase();
      if (classes.has(id)) return classes.get(id)!;
      let name: string | null = null;
      const start = src ? classSection() : -1;
      const at = start < 0 ? -1 : findLine(`C ${id.slice(0, 2)}  `, start, src.length);
      if (at >= 0) {
        const sub = findLine(`\t${id.slice(2, 4)}  `, at, blockEnd(NEXT_CLASS, at));
        if (sub >= 0) name = lineAt(sub).slice(5).trim() || null;
      }
      name ??= CLASSES[id] ?? null;
      classes.set(id, name);
      return name;
    },
  };
}
