// One benchmark case per child process, so each reports its own peak RSS. Usage:
//   node cases.mjs <case> <root> <runs>   (bench/run.ts bundles this file first)
// Prints one JSON line: { case, medianMs, p90Ms, runs, maxRssMb, extra }.
import { preferSmallHeap } from '../src/entry/heap-tuning.ts'; // the program's own heap settings (src/entry/bundle-entry.ts)
import { EventEmitter } from 'node:events';
import { createFixtureRunner } from '../src/host/fixture-runner.ts';
import { monitorTargets, takeSample } from '../src/host/monitor-sampler.ts';
import { RecordingRunner } from '../src/host/runner.ts';
import { advanceMonitor, initialMonitor } from '../src/model/monitor/index.ts';
import { readHost, readHostInTwo } from '../src/host/reader.ts';
import { planChanges } from '../src/model/plan/index.ts';
import type { HostSnapshot, Intent } from '../src/model/types.ts';
import { floorScan } from './floor.ts';
import { guideLoop, lspciOnce } from './manual.ts';
import { median, percentile, timeRuns } from './stats.ts';

const [, , name, root, runsArg] = process.argv as [string, string, string, string, string];
const runs = Number(runsArg ?? 10);

async function snapshot() {
  return readHost(root, createFixtureRunner(root));
}

/** A terminal for the real render path (Ink's throttling and diffing): keeps only counters. */
class FakeTerminal extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  writes = 0;
  bytes = 0;
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    this.writes++;
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }
}
class FakeKeyboard extends EventEmitter {
  isTTY = true;
  private queued: string | null = null;
  press(data: string) {
    this.queued = data;
    this.emit('readable');
  }
  read() {
    const d = this.queued;
    this.queued = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
}

/**
 * The program's store and render path, loaded here (as the TUI loads them, after the read) so
 * the scan cases' peak RSS does not include React and Ink. The store is on a fixture host at
 * the terminal's size; a commit is refused.
 */
async function loadUi() {
  const { createAppStore } = await import('../src/store/app-store.ts');
  const { renderApp } = await import('../src/ui/render-app.tsx');
  const storeOn = (snap: HostSnapshot, term: FakeTerminal) =>
    createAppStore({
      snapshot: snap,
      size: { columns: term.columns, rows: term.rows },
      colour: true,
      ascii: false,
      host: {
        root,
        fixture: true,
        demo: false,
        apply: async () => {
          throw new Error('no');
        },
        reread: async () => snap,
      },
    });
  return { storeOn, renderApp };
}

let bytesPerKey = 0;
/**
 * Keystroke to frame through the program's own render path (renderApp: Ink with its 30 fps
 * throttle and line diffing), keys 50 ms apart as from a person or key repeat; the terminal
 * keeps no frames, so the peak RSS is the program's.
 */
async function keys(keySeq: string[]): Promise<number[]> {
  const { storeOn, renderApp } = await loadUi();
  const term = new FakeTerminal();
  const kbd = new FakeKeyboard();
  const store = storeOn(await snapshot(), term);
  void renderApp(store, { stdin: kbd as unknown as NodeJS.ReadStream, stdout: term as unknown as NodeJS.WriteStream });
  preferSmallHeap(); // as src/cli/tui.ts does after the first frame
  await new Promise((res) => setTimeout(res, 100));
  const times: number[] = [];
  let bytes = 0;
  for (let w = 0; w < keySeq.length + 5; w++) {
    const key = keySeq[w % keySeq.length]!;
    await new Promise((res) => setTimeout(res, 50));
    const [writes, b0] = [term.writes, term.bytes];
    const t0 = performance.now();
    kbd.press(key);
    while (term.writes === writes && performance.now() - t0 < 500) await new Promise((res) => setImmediate(res));
    if (w >= 5) {
      times.push(performance.now() - t0); // the first 5 are warm-up
      await new Promise((res) => setTimeout(res, 50)); // let a trailing frame land before counting bytes
      bytes += term.bytes - b0;
    }
  }
  bytesPerKey = bytes / times.length;
  return times;
}

/**
 * The TUI's path to its first frame (src/cli/tui.ts runFullScreen), once, in this fresh process
 * (cold, as the program starts): wall and CPU milliseconds of each phase. The terminal is the
 * FakeTerminal at 120x40; the frame counts as drawn at the first write that holds 'Legend'.
 */
async function firstFramePhases(): Promise<Record<string, { ms: number; cpuMs: number }>> {
  const phases: Record<string, { ms: number; cpuMs: number }> = {};
  let t = performance.now();
  let c = process.cpuUsage();
  const lap = (phase: string) => {
    const d = process.cpuUsage(c);
    phases[phase] = { ms: performance.now() - t, cpuMs: (d.user + d.system) / 1000 };
    t = performance.now();
    c = process.cpuUsage();
  };
  const { snapshot, details } = await readHostInTwo(root, createFixtureRunner(root));
  lap('read');
  const { storeOn, renderApp } = await loadUi();
  lap('load UI');
  const term = new FakeTerminal();
  const store = storeOn(snapshot, term);
  lap('store');
  let drawn = false;
  const write = term.write.bind(term);
  term.write = (chunk, ...rest) => {
    if (String(chunk).includes('Legend')) drawn = true;
    return write(chunk, ...rest);
  };
  void renderApp(store, {
    stdin: new FakeKeyboard() as unknown as NodeJS.ReadStream,
    stdout: term as unknown as NodeJS.WriteStream,
  });
  while (!drawn) await new Promise((res) => setImmediate(res));
  lap('render');
  store.setState({ snapshot: await details() });
  lap('details (after the frame)');
  return phases;
}

let times: number[] = [];
let extra: Record<string, unknown> = {};
switch (name) {
  case 'first-frame': {
    const phases = await firstFramePhases();
    times = [
      Object.entries(phases)
        .filter(([k]) => !k.startsWith('details'))
        .reduce((a, [, v]) => a + v.ms, 0),
    ];
    extra = { phases };
    break;
  }
  case 'scan':
    times = await timeRuns(snapshot, runs, 3);
    extra = { functions: (await snapshot()).devices.length };
    break;
  case 'scan-first': // the TUI's pass before its first frame (the details pane's attributes after it)
    times = await timeRuns(() => readHostInTwo(root, createFixtureRunner(root)), runs, 3);
    break;
  case 'floor':
    times = await timeRuns(() => floorScan(root), runs, 3);
    break;
  case 'lspci-loop':
    times = await timeRuns(() => guideLoop(root), runs, 0);
    break;
  case 'lspci-once':
    times = await timeRuns(() => lspciOnce(root), runs, 1);
    break;
  case 'keys-move':
    times = await keys(Array.from({ length: runs }, (_, i) => (i % 20 < 10 ? 'j' : 'k')));
    extra = { bytesPerKey };
    break;
  case 'keys-expand':
    times = await keys(Array.from({ length: runs }, (_, i) => (i % 2 ? 'l' : 'h')));
    extra = { bytesPerKey };
    break;
  case 'keys-filter': {
    // Type into the filter: '/' once, then characters and backspaces.
    times = await keys(['/', ...Array.from({ length: runs }, (_, i) => (i % 2 ? '\x7f' : '1'))]);
    times = times.slice(1);
    extra = { bytesPerKey };
    break;
  }
  case 'plan-50': {
    const snap = await snapshot();
    const intents: Intent[] = [];
    const devs = snap.devices.filter((d) => !d.isBridge && !d.physfn);
    for (let i = 0; intents.length < 50 && i < devs.length; i++) {
      const d = devs[i]!;
      if (d.sriov) intents.push({ kind: 'vfs', address: d.address, count: 4 });
      else if (i % 3 === 0)
        intents.push({
          kind: 'assign',
          address: d.address,
          vmid: snap.vms[i % snap.vms.length]!.vmid,
          options: { allFunctions: false, pcie: true, xVga: false, rombar: true },
        });
      else intents.push({ kind: 'reserve', address: d.address });
    }
    times = await timeRuns(() => planChanges(snap, intents), runs, 3);
    extra = { intents: intents.length };
    break;
  }
  case 'monitor-sample': {
    // One tick of the Monitor (what the TUI does every second, and monitor once per interval):
    // every interface's sysfs files, the VF lists of the PFs with VFs (a canned `ip -j` answer
    // with 8 VFs per PF: the ip process a real node spawns is not counted), rates and alerts. The
    // figure is CPU time (user + system) per sample, not wall time.
    const snap = await snapshot();
    const targets = monitorTargets(snap);
    const vfinfo = Array.from({ length: 8 }, (_, vf) => ({
      vf,
      link_type: 'ether',
      address: '02:00:00:00:00:00',
      spoofchk: true,
      link_state: 'auto',
      trust: false,
      stats: {
        rx: { bytes: vf, packets: vf, multicast: 0, broadcast: 0, dropped: 0 },
        tx: { bytes: vf, packets: vf, dropped: 0 },
      },
    }));
    // Every PF with VFs in the answer: above four PFs the sampler asks once for all links.
    const pfs = targets.filter((t) => t.hasVfs).map((t) => t.ifname);
    const runner = new RecordingRunner({
      ip: (argv) => ({
        stdout: JSON.stringify(
          (argv.length > 6 ? [argv[6]] : pfs).map((ifname) => ({ ifname, operstate: 'UP', vfinfo_list: vfinfo })),
        ),
      }),
    });
    let st = initialMonitor(targets);
    const cpu: number[] = [];
    const wall = await timeRuns(
      async () => {
        const c0 = process.cpuUsage();
        st = advanceMonitor(st, await takeSample(root, runner, targets));
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      },
      runs,
      3,
    );
    times = cpu.slice(3);
    extra = {
      functions: snap.devices.length,
      rows: targets.length,
      interfaces: Object.keys(st.last!.links).length,
      pfsAsked: Object.keys(st.last!.vfs).length,
      wallMedianMs: median(wall),
    };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
console.log(
  JSON.stringify({
    case: name,
    medianMs: median(times),
    p90Ms: percentile(times, 90),
    runs: times.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    extra,
  }),
);
process.exit(0);
