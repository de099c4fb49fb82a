// Per-snapshot lookups built once (not per keystroke): address -> device, and each device's
// lower-cased search text for the filter.
import type { HostSnapshot, PciDevice } from '../model/types.ts';

interface Index {
  byAddr: Map<string, PciDevice>;
  search: Map<string, string>;
}

const cache = new WeakMap<HostSnapshot, Index>();

export function deviceIndex(s: HostSnapshot): Index {
  let i = cache.get(s);
  if (!i) {
    i = {
      byAddr: new Map(s.devices.map((d) => [d.address, d])),
      search: new Map(
        s.devices.map((d) => [
          d.address,
          `${d.address} ${d.vendorId}:${d.deviceId} ${d.name} ${d.vendorName ?? ''} ${d.driver ?? ''}`.toLowerCase(),
        ]),
      ),
    };
    cache.set(s, i);
  }
  return i;
}
