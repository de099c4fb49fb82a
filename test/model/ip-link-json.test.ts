// The one reader of `ip -j link show` vfinfo_list, on both iproute2 generations: the newer
// answers recorded in the fixtures (guide: an X710 with a VLAN and no MACs set, with and without
// -s; by-hand: an I350 whose vlan_list holds an empty tag), and the older format (`mac`, flat or
// listed VLAN, `tx_rate`, `tx_bytes`) as iproute2 4.x's print_vfinfo prints it. What "unset" is
// (no MAC: the zero MAC; untagged: VLAN 0) is asserted here for both, and for both callers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpLinkJson, parseVfEntry, ZERO_MAC, type IpVfEntry } from '../../src/model/ip-link-json.ts';
import { parseIpLinkVfs, parseIpLinks } from '../../src/model/monitor/index.ts';
import { parseVfInfoJson } from '../../src/model/vf-settings.ts';

const recorded = (fixture: string, cmd: string): string => {
  const c = JSON.parse(readFileSync(join('test/fixtures', fixture, '.fixture/commands.json'), 'utf8')) as Record<
    string,
    { stdout: string }
  >;
  return c[cmd]!.stdout;
};
const zeroCounters = {
  rxBytes: 0,
  txBytes: 0,
  rxPackets: 0,
  txPackets: 0,
  rxErrors: null,
  txErrors: null,
  rxDropped: 0,
  txDropped: 0,
};
const entry = (over: Partial<IpVfEntry>): IpVfEntry => ({
  vf: 0,
  mac: ZERO_MAC,
  vlan: 0,
  qos: 0,
  spoofchk: null,
  trust: null,
  linkState: null,
  rate: null,
  counters: null,
  ...over,
});

// iproute2 4.x (e.g. 4.20): `mac`, vlan_list from kernel >= 4.9 (an empty tag when untagged),
// tx_rate only when non-zero, rate always, stats with tx_bytes/tx_packets and no dropped.
const OLD = JSON.stringify([
  {
    ifindex: 4,
    ifname: 'enp5s0f0',
    vfinfo_list: [
      {
        vf: 1,
        mac: '00:00:00:00:00:00',
        vlan_list: [{}],
        rate: { max_tx: 0, min_tx: 0 },
        spoofchk: true,
        link_state: 'auto',
        trust: false,
        query_rss_en: false,
        stats: { rx: { bytes: 500, packets: 5, multicast: 0, broadcast: 1 }, tx: { tx_bytes: 700, tx_packets: 7 } },
      },
      {
        vf: 0,
        mac: 'A0:36:9F:00:00:10',
        vlan_list: [{ vlan: 100, qos: 3 }],
        tx_rate: 1000,
        rate: { max_tx: 1000, min_tx: 100 },
        spoofchk: false,
        link_state: 'disable',
        trust: true,
        query_rss_en: false,
        stats: { rx: { bytes: 1, packets: 1, multicast: 0, broadcast: 0 }, tx: { tx_bytes: 2, tx_packets: 1 } },
      },
    ],
  },
]);

describe('parseVfEntry, newer iproute2 (recorded in the fixtures)', () => {
  it('guide X710 with -s: VLAN from vlan_list, no MAC set is the zero MAC, no vlan_list is VLAN 0, counters', () => {
    const links = parseIpLinkJson(recorded('guide', 'ip -s -d -j link show enp4s0f0'));
    if ('error' in links) throw new Error(links.error);
    expect(links).toHaveLength(1);
    expect(links[0]!.ifname).toBe('enp4s0f0');
    expect(links[0]!.problems).toEqual([]);
    expect(links[0]!.vfs.map((v) => v.vf)).toEqual([0, 1, 2, 3]);
    const rate = { maxTx: 0, minTx: 0 };
    expect(links[0]!.vfs[0]).toEqual(
      entry({
        mac: 'bc:24:11:00:01:10',
        vlan: 10,
        spoofchk: true,
        trust: false,
        linkState: 'auto',
        rate,
        counters: zeroCounters,
      }),
    );
    // VF 1: address 00:00:00:00:00:00 and no vlan_list at all (untagged).
    expect(links[0]!.vfs[1]).toEqual(
      entry({ vf: 1, spoofchk: true, trust: false, linkState: 'auto', rate, counters: zeroCounters }),
    );
  });

  it('without -s there are no counters (null), the rest is the same', () => {
    const links = parseIpLinkJson(recorded('guide', 'ip -d -j link show enp4s0f0'));
    if ('error' in links) throw new Error(links.error);
    expect(links[0]!.vfs.map((v) => v.counters)).toEqual([null, null, null, null]);
    expect(links[0]!.vfs[0]).toMatchObject({ mac: 'bc:24:11:00:01:10', vlan: 10 });
  });

  it('by-hand I350: an empty tag in vlan_list is VLAN 0 and QoS 0; MACs as set', () => {
    const links = parseIpLinkJson(recorded('by-hand', 'ip -d -j link show enp3s0f1'));
    if ('error' in links) throw new Error(links.error);
    expect(links[0]!.vfs).toEqual([
      entry({
        mac: '52:54:00:3a:10:01',
        spoofchk: true,
        trust: false,
        linkState: 'auto',
        rate: { maxTx: 0, minTx: 0 },
      }),
      entry({
        vf: 1,
        mac: 'c6:4f:1e:82:9d:07',
        spoofchk: true,
        trust: false,
        linkState: 'auto',
        rate: { maxTx: 0, minTx: 0 },
      }),
    ]);
  });
});

describe('parseVfEntry, older iproute2 (mac, tx_rate, tx_bytes)', () => {
  it('reads the MAC in lower case, the listed VLAN and QoS, the rates and the counters; sorts by index', () => {
    const links = parseIpLinkJson(OLD);
    if ('error' in links) throw new Error(links.error);
    expect(links[0]!.vfs).toEqual([
      entry({
        mac: 'a0:36:9f:00:00:10',
        vlan: 100,
        qos: 3,
        spoofchk: false,
        trust: true,
        linkState: 'disable',
        rate: { maxTx: 1000, minTx: 100 },
        counters: {
          ...zeroCounters,
          rxBytes: 1,
          rxPackets: 1,
          txBytes: 2,
          txPackets: 1,
          rxDropped: null,
          txDropped: null,
        },
      }),
      entry({
        vf: 1,
        spoofchk: true,
        trust: false,
        linkState: 'auto',
        rate: { maxTx: 0, minTx: 0 },
        counters: {
          ...zeroCounters,
          rxBytes: 500,
          rxPackets: 5,
          txBytes: 700,
          txPackets: 7,
          rxDropped: null,
          txDropped: null,
        },
      }),
    ]);
  });

  it('flat vlan and qos (no vlan_list, older kernels); VLAN 0 left out is 0; only the legacy tx_rate', () => {
    expect(parseVfEntry({ vf: 2, mac: '02:11:22:33:44:55', vlan: 100, qos: 2, tx_rate: 500 })).toEqual(
      entry({ vf: 2, mac: '02:11:22:33:44:55', vlan: 100, qos: 2, rate: { maxTx: 500, minTx: 0 } }),
    );
    expect(parseVfEntry({ vf: 3, mac: '02:11:22:33:44:56' })).toEqual(entry({ vf: 3, mac: '02:11:22:33:44:56' }));
  });
});

describe('bad input: an error in words, never a throw', () => {
  it('whole answers', () => {
    expect(parseIpLinkJson('Device "x" does not exist.')).toEqual({ error: 'ip printed no JSON' });
    expect(parseIpLinkJson('')).toEqual({ error: 'ip printed no JSON' });
    expect(parseIpLinkJson('{"ifname":"eth0"}')).toEqual({
      error: 'ip printed JSON that is not a list of interfaces',
    });
    expect(parseIpLinkJson('[]')).toEqual([]);
    // Not an interface object: left out; no ifname: ''; no vfinfo_list: no VFs.
    expect(parseIpLinkJson('[null, 3, {"vfinfo_list": []}, {"ifname": "eno1"}]')).toEqual([
      { ifname: '', vfs: [], problems: [] },
      { ifname: 'eno1', vfs: [], problems: [] },
    ]);
    expect(parseIpLinkJson('[{"ifname":"eth0","vfinfo_list":{"vf":0}}]')).toEqual([
      { ifname: 'eth0', vfs: [], problems: ['vfinfo_list is not a list'] },
    ]);
  });

  it('entries: no index or not an object is an error; missing or mistyped fields are unknown, not guessed', () => {
    expect(parseVfEntry(null)).toEqual({ error: 'a vfinfo_list entry that is not an object' });
    expect(parseVfEntry([1])).toEqual({ error: 'a vfinfo_list entry that is not an object' });
    expect(parseVfEntry({ address: '02:00:00:00:00:01' })).toEqual({
      error: 'a vfinfo_list entry without its vf index',
    });
    expect(parseVfEntry({ vf: '1' })).toEqual({ error: 'a vfinfo_list entry without its vf index' });
    expect(parseVfEntry({ vf: -1 })).toEqual({ error: 'a vfinfo_list entry without its vf index' });
    // No MAC field, or one that is not six hex pairs (an InfiniBand VF's 20 bytes): null, not "none set".
    expect(parseVfEntry({ vf: 0 })).toEqual(entry({ mac: null }));
    expect(parseVfEntry({ vf: 0, address: '00:00:00:00:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:00' })).toEqual(
      entry({ mac: null }),
    );
    expect(
      parseVfEntry({
        vf: 0,
        address: 7,
        vlan_list: 'x',
        spoofchk: 'on',
        trust: 1,
        link_state: 'up',
        rate: 'fast',
        stats: { rx: 'x' },
      }),
    ).toEqual(
      entry({
        mac: null,
        counters: Object.fromEntries(Object.keys(zeroCounters).map((k) => [k, null])) as IpVfEntry['counters'],
      }),
    );
    const links = parseIpLinkJson('[{"ifname":"eth0","vfinfo_list":[{"vf":1,"mac":"02:00:00:00:00:01"},{"mac":"x"}]}]');
    expect(links).toEqual([
      {
        ifname: 'eth0',
        vfs: [entry({ vf: 1, mac: '02:00:00:00:00:01' })],
        problems: ['a vfinfo_list entry without its vf index'],
      },
    ]);
  });
});

describe('both callers read the same VF the same way', () => {
  it('settings (details, list --json, editor, planner) and the Monitor agree on MAC and VLAN, both formats', () => {
    for (const text of [recorded('guide', 'ip -s -d -j link show enp4s0f0'), OLD]) {
      const settings = parseVfInfoJson(text);
      const monitor = parseIpLinkVfs(text);
      if ('error' in settings || 'error' in monitor) throw new Error('unread');
      expect(monitor.map((v) => [v.vf, v.mac, v.vlan, v.spoofchk, v.trust, v.linkState])).toEqual(
        settings.vfs.map((v) => [v.vf, v.mac, v.vlan, v.spoofchk, v.trust, v.state]),
      );
    }
    const guide = parseIpLinkVfs(recorded('guide', 'ip -s -d -j link show enp4s0f0'));
    if ('error' in guide) throw new Error(guide.error);
    expect(guide[1]).toMatchObject({ mac: ZERO_MAC, vlan: 0 });
  });

  it('where they differ: a bad entry or MAC fails the settings list, the Monitor keeps the rest', () => {
    const badEntry = '[{"ifname":"eth0","vfinfo_list":[{"vf":0,"mac":"02:00:00:00:00:01"},{"mac":"x"}]}]';
    expect(parseVfInfoJson(badEntry)).toEqual({ error: 'a vfinfo_list entry without its vf index' });
    expect(parseIpLinks(badEntry)).toEqual(
      new Map([['eth0', [expect.objectContaining({ vf: 0, mac: '02:00:00:00:00:01' })]]]),
    );
    const badMac = '[{"ifname":"ib0","vfinfo_list":[{"vf":0,"address":"80:00:00:48:fe:80"},{"vf":1,"address":"zz"}]}]';
    expect(parseVfInfoJson(badMac)).toEqual({ error: 'VF 1: ip printed no MAC that reads as six hex pairs' });
    const m = parseIpLinkVfs(badMac);
    if ('error' in m) throw new Error(m.error);
    expect(m.map((v) => v.mac)).toEqual(['80:00:00:48:fe:80', null]);
    // Not JSON: the Monitor names the likely cause, the settings reader's notice names the command.
    expect(parseIpLinkVfs('oops')).toEqual({ error: 'ip printed no JSON (iproute2 too old for -j?)' });
    expect(parseVfInfoJson('oops')).toEqual({ error: 'ip printed no JSON' });
    expect(parseVfInfoJson('[]')).toEqual({ error: 'ip printed no link' });
  });
});
