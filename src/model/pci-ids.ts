// Names from a pci.ids file, looked up lazily: the 1.3 MB file is searched for just the ids a
// host has (vendor line, then its tab-indented device lines) instead of being parsed at start.

export interface PciNames {
  vendor(vendorId: string): string | null;
  device(vendorId: string, deviceId: string): string | null;
  className(classId: string): string | null;
}

/** Built-in class names so a host without pci.ids still reads well. */
const CLASSES: Record<string, string> = {
  '0100': 'SCSI storage controller', '0101': 'IDE interface', '0104': 'RAID bus controller',
  '0106': 'SATA controller', '0107': 'Serial Attached SCSI controller', '0108': 'Non-Volatile memory controller',
  '0200': 'Ethernet controller', '0207': 'Infiniband controller', '0280': 'Network controller',
  '0300': 'VGA compatible controller', '0302': '3D controller', '0380': 'Display controller',
  '0403': 'Audio device', '0480': 'Multimedia controller', '0500': 'RAM memory', '0580': 'Memory controller',
  '0600': 'Host bridge', '0601': 'ISA bridge', '0604': 'PCI bridge', '0680': 'Bridge',
  '0700': 'Serial controller', '0780': 'Communication controller', '0805': 'SD Host controller',
  '0880': 'System peripheral', '0c03': 'USB controller', '0c05': 'SMBus', '0c80': 'Serial bus controller',
  '1080': 'Encryption controller', '1101': 'Signal processing controller', '1180': 'Signal processing controller',
  '1200': 'Processing accelerators',
};

export function createPciNames(text: string | null): PciNames {
  const src = text ?? '';
  const vendorAt = new Map<string, number>();
  const devices = new Map<string, string | null>();

  function findVendor(v: string): number {
    let at = vendorAt.get(v);
    if (at !== undefined) return at;
    at = src.startsWith(`${v}  `) ? 0 : src.indexOf(`\n${v}  `);
    at = at < 0 ? -1 : at === 0 ? 0 : at + 1;
    vendorAt.set(v, at);
    return at;
  }

  function lineAt(pos: number): string {
    const end = src.indexOf('\n', pos);
    return src.slice(pos, end < 0 ? undefined : end);
  }

  return {
    vendor(v) {
      const at = findVendor(v.toLowerCase());
      return at < 0 ? null : lineAt(at).slice(6).trim() || null;
    },
    device(v, d) {
      const key = `${v}:${d}`.toLowerCase();
      if (devices.has(key)) return devices.get(key)!;
      let name: string | null = null;
      const at = findVendor(v.toLowerCase());
      if (at >= 0) {
        // Device lines follow the vendor line, each starting with one tab; they end at the next
        // line that does not start with a tab.
        let pos = src.indexOf('\n', at) + 1;
        const want = `\t${d.toLowerCase()}  `;
        while (pos > 0 && pos < src.length && src[pos] === '\t') {
          if (src.startsWith(want, pos)) {
            name = lineAt(pos).slice(want.length).trim();
            break;
          }
          const nl = src.indexOf('\n', pos);
          pos = nl < 0 ? -1 : nl + 1;
        }
      }
      devices.set(key, name);
      return name;
    },
    className(c) {
      return CLASSES[c.toLowerCase()] ?? null;
    },
  };
}
