// `monitor`: link state, throughput and error counters of the node's network functions and
// their VFs. --once takes two samples an interval apart and prints a table (or JSON); without
// it, a line per interval for a pipe. Exits 5 while any alert is active, for cron and
// monitoring systems.
import { takeSample, monitorTargets } from '../host/monitor-sampler.ts';
import {
  advanceMonitor,
  byteRate,
  errorWords,
  initialMonitor,
  monitorJson,
  si,
  speedWords,
  useWords,
  vfWords,
  type MonitorState,
} from '../model/monitor/index.ts';
import { bold, paint, wantsColour } from '../ui/theme.ts';
import { lastValue, parseArgs, rootArg, UsageError, clip } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { loadHost } from './load-host.ts';
import { runGuarded } from './run-guarded.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function numberArg(
  raw: string | undefined,
  name: string,
  ok: (n: number) => boolean,
  what: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${name} needs ${what}, got '${clip(raw)}' (see 'pve-passthrough monitor --help')`);
  return n;
}

export const monitorCommand: CliCommand = {
  name: 'monitor',
  summary: 'link, throughput and error counters of NICs and their VFs; exit 5 on an alert',
  usage: `Usage: pve-passthrough monitor --once [--interval SECONDS] [--root DIR] [--json]
       pve-passthrough monitor [--interval SECONDS] [--count N] [--root DIR] [--json]

Watch every network function the host drives: link state (operstate), speed, rx/tx bytes and
packets per second, errors and drops (sys/class/net/IF/statistics), and under each physical
function with live VFs every VF with its MAC, VLAN, spoof check, trust, link-state and
counters as the driver reports them (ip -s -d -j link show PF; one ip -s -d -j link show for
all links when more than four PFs have VFs), the VM that has it and whether that VM runs. A network function given away whole (vfio-pci, a VM) shows as "in VM VMID": the
host cannot see its counters. A vanished interface or an unreadable counter is shown as such.

Alerts: the link of a PF whose VFs running VMs use is down; a management port (a port of the
bridge or bond with the node's address in /etc/network/interfaces) is down; error or drop
counters rose since the last sample; a VF of a running VM has its PF's link down.

With --once: two samples SECONDS apart, then one table and the alerts. Without it: one line
per interval (time, links up and down, total rx and tx, errors per second, alerts) until
interrupted, the pipe closes, or N lines are printed.

Options:
  --once            two samples, one table (or one JSON document), then exit
  --interval S      seconds between samples (default 1; fractions allowed, at most 3600)
  --count N         continuous mode: stop after N lines
  --root DIR        read this root tree instead of / (a fixture or a copy of a node)
  --json            JSON: {"node", "time" (ISO 8601), "intervalSeconds", "alerts": [{kind:
                    link-down | management-down | errors-rising | vf-pf-down, id, message}],
                    "interfaces": [{id, kind: port | vf | passed, address, ifname, driver,
                    pf, vf (index), vms: [{vmid, running}], management, link, down,
                    speedMbps, counters, ratesPerSecond (both {rxBytes, txBytes, rxPackets,
                    txPackets, rxErrors, txErrors, rxDropped, txDropped}, a value null when
                    unreadable, the object null when the host cannot see it; rates null
                    before the second sample), vfSettings: {mac (00:00:00:00:00:00: none
                    set), vlan (0: untagged), spoofchk, trust, linkState} or null, note,
                    alerts: [message]}]}; continuous mode prints one such document per line
  -h, --help        this text

Exit codes: 0 no alert, 1 the root could not be read, 2 bad usage, 5 at least one alert in
the last sample (continuous mode: when it stops after --count; a closed pipe ends it with 0).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json', 'once'], values: ['root', 'interval', 'count'] }, 'monitor');
      const interval =
        numberArg(
          lastValue(p, 'interval'),
          'interval',
          (n) => n > 0 && n <= 3600,
          'a number of seconds above 0 and at most 3600',
        ) ?? 1;
      const count = numberArg(
        lastValue(p, 'count'),
        'count',
        (n) => Number.isInteger(n) && n > 0,
        'a whole number above 0',
      );
      const once = p.flags.has('once');
      if (once && count !== undefined)
        throw new UsageError(
          "--count is for continuous mode, --once prints one table (see 'pve-passthrough monitor --help')",
        );
      const { handle, snapshot } = await loadHost(rootArg(p) ?? '/', io.stderr);
      const targets = monitorTargets(snapshot);
      const sample = () => takeSample(handle.root, handle.runner, targets);
      const json = p.flags.has('json');
      const colour = wantsColour(io.stdout, io.env);
      const meta = () => ({ node: snapshot.nodeName, time: new Date(), intervalSeconds: interval });
      let st = advanceMonitor(initialMonitor(targets), await sample());

      if (once) {
        await sleep(interval * 1000);
        st = advanceMonitor(st, await sample());
        io.stdout.write(
          json
            ? `${JSON.stringify(monitorJson(st, meta()), null, 2)}\n`
            : formatMonitor(st, snapshot.nodeName, interval, colour),
        );
        return st.alerts.length ? EXIT.attention : EXIT.ok;
      }
      // A reader that went away (monitor | head) ends the loop quietly; watchOutput in cli.ts keeps the EPIPE silent.
      let closed = false;
      io.stdout.on('error', () => (closed = true));
      io.stdout.on('close', () => (closed = true));
      for (let n = 0; !closed && (count === undefined || n < count); n++) {
        await sleep(interval * 1000);
        if (closed) break;
        st = advanceMonitor(st, await sample());
        io.stdout.write(json ? `${JSON.stringify(monitorJson(st, meta()))}\n` : `${monitorLine(st, new Date())}\n`);
      }
      return closed || !st.alerts.length ? EXIT.ok : EXIT.attention;
    }),
};

/** One line of continuous mode: `2026-11-26T05:00:01Z 9 up 1 down rx 1.2MB/s tx 3kB/s errors 0/s alerts 0`. */
export function monitorLine(st: MonitorState, time: Date): string {
  const seen = st.rows.filter((r) => r.target.kind === 'port');
  const up = seen.filter((r) => !r.down).length;
  const sum = (f: (r: (typeof st.rows)[number]) => number | null) => seen.reduce((a, r) => a + (f(r) ?? 0), 0);
  const rx = sum((r) => r.rates?.rxBytes ?? null);
  const tx = sum((r) => r.rates?.txBytes ?? null);
  const errs = sum((r) =>
    r.rates
      ? (r.rates.rxErrors ?? 0) + (r.rates.txErrors ?? 0) + (r.rates.rxDropped ?? 0) + (r.rates.txDropped ?? 0)
      : null,
  );
  const alerts = st.alerts.length
    ? `alerts ${st.alerts.length}: ${st.alerts.map((a) => a.message).join('; ')}`
    : 'alerts 0';
  return `${time.toISOString().replace(/\.\d+Z$/, 'Z')} ${up} up ${seen.length - up} down rx ${byteRate(rx)} tx ${byteRate(tx)} errors ${si(errs)}/s ${alerts}`;
}

/** The --once table: one row per interface, VF or passed-through function, then the alerts. */
export function formatMonitor(st: MonitorState, node: string, interval: number, colour: boolean): string {
  const head = [
    'NAME',
    'PCI',
    'LINK',
    'SPEED',
    'RX/s',
    'TX/s',
    'RXpkt/s',
    'TXpkt/s',
    'ERR/s',
    'USED BY',
    'VF SETTINGS',
  ];
  const body = st.rows.map((r) => {
    const t = r.target;
    const name = t.kind === 'vf' ? `  vf${t.vfIndex} ${t.ifname ?? ''}`.trimEnd() : t.id;
    return [
      name,
      t.address.replace(/^0000:/, ''),
      r.link,
      speedWords(r.speedMbps),
      byteRate(r.rates?.rxBytes ?? null),
      byteRate(r.rates?.txBytes ?? null),
      si(r.rates?.rxPackets ?? null),
      si(r.rates?.txPackets ?? null),
      errorWords(r),
      useWords(r),
      vfWords(r),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    bold(colour, `Node ${node}: ${st.rows.length} network functions, rates over ${interval} s`),
    '',
    bold(colour, line(head)),
  ];
  st.rows.forEach((r, i) => {
    const text = line(body[i]!);
    out.push(r.down ? paint(colour, 'red', text) : text);
  });
  const notes = st.rows.filter((r) => r.note);
  if (notes.length) out.push('', ...notes.map((r) => `${r.target.id}: ${r.note}`));
  out.push(
    '',
    st.alerts.length
      ? paint(colour, 'red', `${st.alerts.length} alert${st.alerts.length > 1 ? 's' : ''}:`)
      : 'No alerts.',
  );
  for (const a of st.alerts) out.push(`  ${a.kind}: ${a.message}`);
  return `${out.join('\n')}\n`;
}
