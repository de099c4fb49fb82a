// The monitor's vocabulary: what is watched (targets, from the snapshot), what one sample read
// (links and VF lists, from src/host/monitor-sampler.ts) and what the operator sees (rows with
// rates and history, alerts). Pure data.
import type { PciAddress, VfLinkState } from '../types.ts';

/** The statistics/ counters read per interface, in the order tables and JSON show them. */
export const COUNTERS = [
  'rxBytes',
  'txBytes',
  'rxPackets',
  'txPackets',
  'rxErrors',
  'txErrors',
  'rxDropped',
  'txDropped',
] as const;
export type CounterName = (typeof COUNTERS)[number];
/** A counter's value; null when it could not be read (or the driver does not report it). */
export type Counters = Record<CounterName, number | null>;

/** sysfs file name of each counter (sys/class/net/<if>/statistics/<file>). */
export const COUNTER_FILE: Record<CounterName, string> = {
  rxBytes: 'rx_bytes',
  txBytes: 'tx_bytes',
  rxPackets: 'rx_packets',
  txPackets: 'tx_packets',
  rxErrors: 'rx_errors',
  txErrors: 'tx_errors',
  rxDropped: 'rx_dropped',
  txDropped: 'tx_dropped',
};

export interface VmUse {
  vmid: number;
  running: boolean;
}

export interface MonitorTarget {
  /** Row id: the interface name, or the PCI address when the host has no interface for it. */
  id: string;
  /**
   * `port`: a network function the host drives (a PF, or a plain NIC); `vf`: a virtual function
   * of such a port; `passed`: a network function the host has given away whole (vfio-pci, a VM),
   * whose counters the host cannot see.
   */
  kind: 'port' | 'vf' | 'passed';
  address: PciAddress;
  /** The host's interface on it (null: none, e.g. a VF on vfio-pci). */
  ifname: string | null;
  driver: string | null;
  /** A VF's PF interface (whose `ip link` lists the VF's settings) and its index there. */
  pfIfname: string | null;
  vfIndex: number | null;
  /** VMs whose config has the function. */
  vms: VmUse[];
  /** A port under the node's management address: which bridge or bond carries it, in words. */
  management: string | null;
  /** A port whose VFs running VMs use: those VMs. */
  runningVfVms: number[];
  /** A PF with live VFs: `ip -s -d -j link show` is asked about it. */
  hasVfs: boolean;
}

export type LinkReading =
  | { state: 'ok'; operstate: string | null; speedMbps: number | null; counters: Counters }
  /** sys/class/net/<if> is gone (unplugged, renamed, driver unbound). */
  | { state: 'vanished' };

/** One VF as its PF's driver reports it (`ip -s -d -j link show <pf>`, vfinfo_list). */
export interface VfReading {
  vf: number;
  /** 00:00:00:00:00:00: none set; null: ip printed none we can read (see ../ip-link-json.ts). */
  mac: string | null;
  /** 0: untagged. */
  vlan: number;
  spoofchk: boolean | null;
  trust: boolean | null;
  /** `auto` (follows the PF), `enable` or `disable`; null when the driver does not report it. */
  linkState: VfLinkState | null;
  counters: Counters;
}

export interface Sample {
  /** Milliseconds on a monotonic clock. */
  at: number;
  /** By interface name. */
  links: Record<string, LinkReading>;
  /** By PF interface name: its VFs, or why they could not be read. */
  vfs: Record<string, VfReading[] | { error: string }>;
}

export type AlertKind = 'link-down' | 'management-down' | 'errors-rising' | 'vf-pf-down';

export interface Alert {
  kind: AlertKind;
  /** The row it is about. */
  id: string;
  message: string;
}

export interface MonitorRow {
  target: MonitorTarget;
  /** The link as shown: `up`, `down`, `in VM 101`, `vanished`, `unreadable`, ... */
  link: string;
  down: boolean;
  speedMbps: number | null;
  /** Null when the host cannot see the function's counters (passed whole, no VF stats). */
  counters: Counters | null;
  /** Per second since the last sample; null before the second sample or after a counter reset. */
  rates: Counters | null;
  /** rx+tx bytes per second, oldest first (the sparkline); null where no rate was known. */
  history: Array<number | null>;
  vf: VfReading | null;
  /** Why something is missing: an unreadable counter, ip failing, ... */
  note: string | null;
}

export interface MonitorState {
  targets: MonitorTarget[];
  last: Sample | null;
  rows: MonitorRow[];
  alerts: Alert[];
  /** Samples taken so far. */
  samples: number;
}
