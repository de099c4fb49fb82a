// Numbers as the monitor prints them (table, TUI view, continuous lines): rates in bytes per
// second with SI prefixes, packet rates and speeds in short words.
import type { MonitorRow } from './types.ts';

const PREFIX = ['', 'k', 'M', 'G', 'T'];

/** 1234567 -> `1.2M`; null -> `-`. */
export function si(n: number | null): string {
  if (n === null) return '-';
  let v = n;
  let i = 0;
  while (v >= 999.5 && i < PREFIX.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v < 10 ? v.toFixed(1) : Math.round(v)}${PREFIX[i]}`;
}

/** Bytes per second: `1.2MB/s`. */
export const byteRate = (n: number | null) => (n === null ? '-' : `${si(n)}B/s`);

/** Mb/s from sysfs (-1 or absent when the link is down): `10G`, `1G`, `100M`. */
export function speedWords(mbps: number | null): string {
  if (mbps === null || mbps <= 0) return '-';
  return mbps >= 1000 && mbps % 1000 === 0 ? `${mbps / 1000}G` : `${mbps}M`;
}

/** Errors and drops since the first sample, or per second: `0`, `3/s`. */
export function errorWords(r: MonitorRow): string {
  const rt = r.rates;
  if (!rt) return r.counters ? '0' : '-';
  const sum = (['rxErrors', 'txErrors', 'rxDropped', 'txDropped'] as const).reduce((a, c) => a + (rt[c] ?? 0), 0);
  return sum ? `${si(sum)}/s` : '0';
}

/** Who uses the row's function: `VM 100`, `VM 104 (stopped)`, `host`. */
export function useWords(r: MonitorRow): string {
  const t = r.target;
  if (t.vms.length) return t.vms.map((v) => `VM ${v.vmid}${v.running ? '' : ' (off)'}`).join(',');
  if (t.management) return 'mgmt';
  return t.kind === 'vf' ? (t.ifname ? 'host' : '-') : 'host';
}

/** A VF's settings in a few words: `vlan 10 spoof on trust off auto`. */
export function vfWords(r: MonitorRow): string {
  const v = r.vf;
  if (!v) return '';
  const onOff = (b: boolean | null) => (b === null ? '?' : b ? 'on' : 'off');
  return [
    v.vlan ? `vlan ${v.vlan}` : null,
    `spoof ${onOff(v.spoofchk)}`,
    `trust ${onOff(v.trust)}`,
    v.linkState ? `link ${v.linkState}` : null,
  ]
    .filter(Boolean)
    .join(' ');
}
