// One step of the monitor: the previous state and a new sample give the rows (link, counters,
// rates per second, history for the sparkline) and the alerts. Pure, so the CLI, the TUI and
// the tests all compute the same thing from the same samples.
import { emptyCounters } from './ip-link.ts';
import {
  COUNTERS,
  COUNTER_FILE,
  type Alert,
  type Counters,
  type LinkReading,
  type MonitorRow,
  type MonitorState,
  type MonitorTarget,
  type Sample,
  type VfReading,
} from './types.ts';

/** Samples kept per row for the sparkline (a minute at the default interval). */
export const HISTORY = 60;

/** operstate values that mean no traffic can pass (`unknown` and `dormant` are not: many drivers say unknown). */
const DOWN = new Set(['down', 'lowerlayerdown', 'notpresent']);

export function initialMonitor(targets: MonitorTarget[]): MonitorState {
  return { targets, last: null, rows: [], alerts: [], samples: 0 };
}

const vmWords = (t: MonitorTarget) => t.vms.map((v) => `VM ${v.vmid}${v.running ? '' : ' (stopped)'}`).join(', ');

function vfOf(sample: Sample, t: MonitorTarget): VfReading | { error: string } | null {
  if (t.kind !== 'vf' || !t.pfIfname) return null;
  const list = sample.vfs[t.pfIfname];
  if (!list) return null;
  if (!Array.isArray(list)) return list;
  return list.find((v) => v.vf === t.vfIndex) ?? null;
}

/** Per second from a to b; null where either is unknown or the counter went back (reset, wrap). */
function rates(a: Counters | null, b: Counters | null, seconds: number): Counters | null {
  if (!a || !b || seconds <= 0) return null;
  const out = emptyCounters();
  for (const c of COUNTERS) {
    const x = a[c];
    const y = b[c];
    out[c] = x === null || y === null || y < x ? null : (y - x) / seconds;
  }
  return out;
}

/** Counters of a row in a sample: the host's interface if it has one, else the VF's stats from its PF. */
function countersIn(sample: Sample | null, t: MonitorTarget): Counters | null {
  if (!sample) return null;
  if (t.ifname) {
    const l = sample.links[t.ifname];
    return l?.state === 'ok' ? l.counters : null;
  }
  const vf = vfOf(sample, t);
  return vf && !('error' in vf) ? vf.counters : null;
}

const linkDown = (l: LinkReading | undefined) =>
  l !== undefined && (l.state === 'vanished' || (l.operstate !== null && DOWN.has(l.operstate)));

export function advanceMonitor(st: MonitorState, sample: Sample): MonitorState {
  const prev = st.last;
  const seconds = prev ? (sample.at - prev.at) / 1000 : 0;
  const prevRows = new Map(st.rows.map((r) => [r.target.id, r]));
  const alerts: Alert[] = [];
  const rows = st.targets.map((t): MonitorRow => {
    const history = prevRows.get(t.id)?.history ?? [];
    if (t.kind === 'passed') {
      // The host cannot see inside: say where the function went instead of showing zeros.
      const link = t.vms.length
        ? `in ${vmWords(t)}`
        : t.driver === 'vfio-pci'
          ? 'vfio-pci (no VM)'
          : `no interface${t.driver ? ` (${t.driver})` : ''}`;
      return {
        target: t,
        link,
        down: false,
        speedMbps: null,
        counters: null,
        rates: null,
        history: [],
        vf: null,
        note: null,
      };
    }
    const counters = countersIn(sample, t);
    const r = rates(countersIn(prev, t), counters, seconds);
    const total = r && r.rxBytes !== null && r.txBytes !== null ? r.rxBytes + r.txBytes : null;
    const nextHistory = prev ? [...history, total].slice(-HISTORY) : history;
    const missing = counters ? COUNTERS.filter((c) => counters[c] === null) : [];
    let link = 'unreadable';
    let down = false;
    let speedMbps: number | null = null;
    let vf: VfReading | null = null;
    let note: string | null = null;
    if (t.ifname) {
      const l = sample.links[t.ifname];
      down = linkDown(l);
      if (!l) link = 'unreadable';
      else if (l.state === 'vanished') link = 'vanished';
      else {
        link = l.operstate ?? 'unreadable';
        speedMbps = l.speedMbps;
      }
      if (l?.state === 'ok' && missing.length) note = `unreadable: ${missing.map((c) => COUNTER_FILE[c]).join(', ')}`;
      // Why its VFs show no settings: said once, on the PF.
      const vfs = t.hasVfs ? sample.vfs[t.ifname] : undefined;
      if (vfs && !Array.isArray(vfs)) note = [note, `VF settings: ${vfs.error}`].filter(Boolean).join('; ');
    }
    if (t.kind === 'vf') {
      const got = vfOf(sample, t);
      if (got && !('error' in got)) vf = got;
      if (!t.ifname) {
        // No host interface: the VF's link follows its PF unless its link-state is forced.
        const pf = t.pfIfname ? sample.links[t.pfIfname] : undefined;
        const pfDown = linkDown(pf);
        if (vf?.linkState === 'disable') link = 'disabled';
        else if (vf?.linkState === 'enable') link = 'forced up';
        else link = pfDown ? 'down (PF)' : pf?.state === 'ok' && pf.operstate ? `${pf.operstate} (PF)` : 'unknown';
        down = vf?.linkState !== 'enable' && pfDown;
        if (!got) note ??= `the driver of ${t.pfIfname} lists no VF ${t.vfIndex}`;
      }
    }

    // Alerts: what breaks a running VM or the node's own reach.
    if (t.kind === 'port' && down && t.runningVfVms.length) {
      alerts.push({
        kind: 'link-down',
        id: t.id,
        message: `${t.id} link ${link}: VFs of running VM ${t.runningVfVms.join(', ')} have no network`,
      });
    }
    if (t.management && down)
      alerts.push({
        kind: 'management-down',
        id: t.id,
        message: `${t.id} link ${link}: it carries the management address (${t.management})`,
      });
    if (t.kind === 'vf' && t.pfIfname && linkDown(sample.links[t.pfIfname])) {
      const running = t.vms.filter((v) => v.running).map((v) => v.vmid);
      if (running.length)
        alerts.push({
          kind: 'vf-pf-down',
          id: t.id,
          message: `VF ${t.address} of running VM ${running.join(', ')}: its PF ${t.pfIfname} is down`,
        });
    }
    const prevCounters = countersIn(prev, t);
    if (prevCounters && counters) {
      const rising = (['rxErrors', 'txErrors', 'rxDropped', 'txDropped'] as const).filter(
        (c) => prevCounters[c] !== null && counters[c] !== null && counters[c]! > prevCounters[c]!,
      );
      if (rising.length) {
        const what = rising.map((c) => `${COUNTER_FILE[c]} +${counters[c]! - prevCounters[c]!}`).join(', ');
        alerts.push({ kind: 'errors-rising', id: t.id, message: `${t.id}: ${what} in ${seconds.toFixed(1)} s` });
      }
    }
    return { target: t, link, down, speedMbps, counters, rates: r, history: nextHistory, vf, note };
  });
  return { targets: st.targets, last: sample, rows, alerts, samples: st.samples + 1 };
}
