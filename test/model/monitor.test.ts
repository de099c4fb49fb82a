// The monitor model without a host: targets from an edited snapshot, the ip JSON of two
// iproute2 generations, the sparkline.
import { describe, expect, it } from 'vitest';
import {
  advanceMonitor,
  buildTargets,
  initialMonitor,
  parseIpLinkVfs,
  sparkline,
} from '../../src/model/monitor/index.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';

describe('monitor targets', () => {
  it('a NIC passed whole to a VM is "in VM <vmid>", never zeros', async () => {
    const s = structuredClone(await fixtureSnapshot('guide'));
    const nic = s.devices.find((d) => d.address === '0000:08:00.1')!;
    Object.assign(nic, {
      driver: 'vfio-pci',
      netInterfaces: [],
      usedBy: [{ vmid: 102, slot: 'hostpci0', running: true, mapping: null }],
    });
    const st = advanceMonitor(initialMonitor(buildTargets(s, new Map())), { at: 0, links: {}, vfs: {} });
    const row = st.rows.find((r) => r.target.id === '0000:08:00.1')!;
    expect(row.target.kind).toBe('passed');
    expect(row.link).toBe('in VM 102');
    expect(row.counters).toBeNull();
    expect(row.rates).toBeNull();
    expect(st.alerts).toEqual([]);
  });
});

describe('parseIpLinkVfs', () => {
  it('reads iproute2 5.x field names (mac, vlan, tx_bytes)', () => {
    const old = JSON.stringify([
      {
        ifname: 'eth0',
        vfinfo_list: [
          {
            vf: 1,
            mac: 'aa:bb:cc:dd:ee:ff',
            vlan: 20,
            spoofchk: false,
            link_state: 'disable',
            trust: true,
            stats: { rx: { bytes: 10, packets: 1 }, tx: { tx_bytes: 20, tx_packets: 2 } },
          },
        ],
      },
    ]);
    expect(parseIpLinkVfs(old)).toEqual([
      {
        vf: 1,
        mac: 'aa:bb:cc:dd:ee:ff',
        vlan: 20,
        spoofchk: false,
        trust: true,
        linkState: 'disable',
        counters: {
          rxBytes: 10,
          txBytes: 20,
          rxPackets: 1,
          txPackets: 2,
          rxErrors: null,
          txErrors: null,
          rxDropped: null,
          txDropped: null,
        },
      },
    ]);
  });
  it('says what is wrong instead of throwing', () => {
    expect(parseIpLinkVfs('Device "x" does not exist.')).toEqual({
      error: 'ip printed no JSON (iproute2 too old for -j?)',
    });
    expect(parseIpLinkVfs('[]')).toEqual({ error: 'ip listed no such interface' });
    expect(parseIpLinkVfs('[{"ifname":"eno1"}]')).toEqual([]);
  });
});

describe('sparkline', () => {
  it('scales to the largest value shown, blanks unknown values, pads short history', () => {
    expect(sparkline([0, 50, 100, null], 6, false)).toBe('  ▁▅█ ');
    expect(sparkline([0, 50, 100, null], 6, true)).toBe('  _=# ');
    expect(sparkline([0, 0], 2, false)).toBe('▁▁');
    expect(sparkline([1, 2, 3, 4], 2, true)).toBe('+#');
  });
});
