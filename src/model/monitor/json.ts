// The documented JSON of `monitor --json` (one document per sample; continuous mode prints one
// per line). Pure: built from the monitor state. Field by field in the manual (monitor --help).
import type { Alert, Counters, MonitorState } from './types.ts';

export interface MonitorJsonInterface {
  id: string;
  kind: 'port' | 'vf' | 'passed';
  address: string;
  ifname: string | null;
  driver: string | null;
  pf: string | null;
  vf: number | null;
  vms: Array<{ vmid: number; running: boolean }>;
  management: string | null;
  link: string;
  down: boolean;
  speedMbps: number | null;
  counters: Counters | null;
  ratesPerSecond: Counters | null;
  vfSettings: {
    mac: string | null;
    vlan: number;
    spoofchk: boolean | null;
    trust: boolean | null;
    linkState: string | null;
  } | null;
  note: string | null;
  alerts: string[];
}

export interface MonitorJson {
  node: string;
  time: string;
  intervalSeconds: number;
  alerts: Alert[];
  interfaces: MonitorJsonInterface[];
}

export function monitorJson(
  st: MonitorState,
  meta: { node: string; time: Date; intervalSeconds: number },
): MonitorJson {
  return {
    node: meta.node,
    time: meta.time.toISOString(),
    intervalSeconds: meta.intervalSeconds,
    alerts: st.alerts,
    interfaces: st.rows.map((r) => {
      const t = r.target;
      const v = r.vf;
      return {
        id: t.id,
        kind: t.kind,
        address: t.address,
        ifname: t.ifname,
        driver: t.driver,
        pf: t.pfIfname,
        vf: t.vfIndex,
        vms: t.vms,
        management: t.management,
        link: r.link,
        down: r.down,
        speedMbps: r.speedMbps,
        counters: r.counters,
        ratesPerSecond: r.rates,
        vfSettings: v
          ? { mac: v.mac, vlan: v.vlan, spoofchk: v.spoofchk, trust: v.trust, linkState: v.linkState }
          : null,
        note: r.note,
        alerts: st.alerts.filter((a) => a.id === t.id).map((a) => a.message),
      };
    }),
  };
}
