// The monitor's reads: per interface its link state, speed and counters from
// sys/class/net/<if>/{operstate,speed,statistics/*} under the root, and per PF with live VFs
// the VF list from `ip -s -d -j link show <pf>` through the command runner (one `ip -s -d -j
// link show` for all links when there are more than a few such PFs). A vanished
// interface or an unreadable file is a state in the sample, never a throw. Asynchronous: the
// sysfs reads are tiny synchronous ones (fsread.ts) in batches with a turn of the event loop
// between them, and the ip calls run beside each other, so the TUI keeps answering keys.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTargets, emptyCounters, parseIpLinks } from '../model/monitor/index.ts';
import {
  COUNTERS,
  COUNTER_FILE,
  type LinkReading,
  type MonitorTarget,
  type Sample,
  type VfReading,
} from '../model/monitor/types.ts';
import type { HostSnapshot } from '../model/types.ts';
import { readAttr } from './fsread.ts';
import { managementPorts } from './host-uses.ts';
import type { CommandRunner } from './runner.ts';

/** Interfaces read between two turns of the event loop. */
const BATCH = 32;

/** The targets of a snapshot, with the ports under its management address marked. */
export function monitorTargets(s: HostSnapshot): MonitorTarget[] {
  const mgmt = new Map<string, string>();
  const text = s.files['etc/network/interfaces'];
  if (text !== undefined) {
    for (const { iface, ports, why } of managementPorts(text)) {
      const addr = /management address (\S+)/.exec(why)?.[1];
      for (const p of ports)
        if (!mgmt.has(p)) mgmt.set(p, `${iface}${addr && iface !== p ? ` ${addr}` : addr ? ` has ${addr}` : ''}`);
    }
  }
  return buildTargets(s, mgmt);
}

const safeName = (n: string) => n !== '' && n !== '.' && n !== '..' && !n.includes('/');

function toNumber(text: string | null): number | null {
  if (text === null || !/^-?\d+$/.test(text)) return null;
  return Number(text);
}

export function readLinkState(root: string, ifname: string): LinkReading {
  const dir = join(root, 'sys/class/net', ifname);
  if (!safeName(ifname) || !existsSync(dir)) return { state: 'vanished' };
  const counters = emptyCounters();
  for (const c of COUNTERS) counters[c] = toNumber(readAttr(join(dir, 'statistics', COUNTER_FILE[c])));
  const speed = toNumber(readAttr(join(dir, 'speed')));
  return {
    state: 'ok',
    operstate: readAttr(join(dir, 'operstate')),
    speedMbps: speed !== null && speed > 0 ? speed : null,
    counters,
  };
}

export interface SamplerOptions {
  /** Monotonic milliseconds (injected by tests). */
  now?: () => number;
  /**
   * Up to this many PFs with VFs, one `ip ... link show <pf>` each; above it, one
   * `ip ... link show` for all links: a process per PF every second would cost more than the
   * rest of the sample on a node with dozens of PFs.
   */
  perPfUpTo?: number;
}

const IP = ['ip', '-s', '-d', '-j', 'link', 'show'];

async function askIp(runner: CommandRunner, dev?: string): Promise<Map<string, VfReading[]> | { error: string }> {
  try {
    const r = await runner.run(dev ? [...IP, dev] : IP, { timeoutMs: 5000 });
    if (r.exitCode !== 0)
      return { error: `ip failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`.trim() };
    return parseIpLinks(r.stdout);
  } catch (e) {
    return { error: `ip could not run: ${(e as Error).message}` };
  }
}

/** The VF list of each PF, or why it could not be read. */
async function vfLists(runner: CommandRunner, pfs: string[], perPfUpTo: number): Promise<Sample['vfs']> {
  const pick = (got: Map<string, VfReading[]> | { error: string }, pf: string) =>
    'error' in got ? got : (got.get(pf) ?? { error: `ip listed no ${pf}` });
  if (!pfs.length) return {};
  if (pfs.length > perPfUpTo) {
    const all = await askIp(runner);
    return Object.fromEntries(pfs.map((pf) => [pf, pick(all, pf)]));
  }
  return Object.fromEntries(await Promise.all(pfs.map(async (pf) => [pf, pick(await askIp(runner, pf), pf)] as const)));
}

export async function takeSample(
  root: string,
  runner: CommandRunner,
  targets: MonitorTarget[],
  o: SamplerOptions = {},
): Promise<Sample> {
  const now = o.now ?? (() => performance.now());
  const names = [...new Set(targets.flatMap((t) => [t.ifname, t.pfIfname]).filter((n): n is string => n !== null))];
  const pfs = targets.filter((t) => t.hasVfs && t.ifname).map((t) => t.ifname!);
  // The VF lists come from a command: start it first, read sysfs while it runs.
  const asked = vfLists(runner, pfs, o.perPfUpTo ?? 4);
  const at = now();
  const links: Sample['links'] = {};
  for (let i = 0; i < names.length; i++) {
    if (i && i % BATCH === 0) await new Promise((r) => setImmediate(r));
    links[names[i]!] = readLinkState(root, names[i]!);
  }
  return { at, links, vfs: await asked };
}
