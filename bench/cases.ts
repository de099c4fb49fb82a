// One benchmark case per child process, so each reports its own peak RSS. Usage:
//   node cases.mjs <case> <root> <runs>   (bench/run.ts bundles this file first)
// Prints one JSON line: { case, medianMs, p90Ms, runs, maxRssMb, extra }.
import { createFixtureRunner } from '../src/host/fixture-runner.ts';
import { readHost } from '../src/host/reader.ts';
import { planChanges } from '../src/model/plan/index.ts';
import type { Intent } from '../src/model/types.ts';
import { floorScan } from './floor.ts';
import { guideLoop, lspciOnce } from './manual.ts';
import { median, percentile, timeRuns } from './stats.ts';

const [, , name, root, runsArg] = process.argv as [string, string, string, string, string];
const runs = Number(runsArg ?? 10);

async function snapshot() {
  return readHost(root, createFixtureRunner(root));
}

async function keys(keySeq: string[]): Promise<number[]> {
  // Loaded here so the scan cases' peak RSS does not include React and Ink.
  const { render } = await import('ink-testing-library');
  const { createElement } = await import('react');
  const { createAppStore } = await import('../src/store/app-store.ts');
  const { App } = await import('../src/ui/App.tsx');
  const snap = await snapshot();
  const store = createAppStore({ snapshot: snap, size: { columns: 120, rows: 40 }, colour: true, ascii: false, host: { root, fixture: true, demo: false, apply: async () => { throw new Error('no'); }, reread: snapshot } });
  const r = render(createElement(App, { store }));
  await new Promise((res) => setTimeout(res, 50));
  const times: number[] = [];
  for (let w = 0; w < keySeq.length + 5; w++) {
    const key = keySeq[w % keySeq.length]!;
    const before = r.lastFrame();
    const t0 = performance.now();
    r.stdin.write(key);
    while (r.lastFrame() === before && performance.now() - t0 < 500) await new Promise((res) => setImmediate(res));
    if (w >= 5) times.push(performance.now() - t0); // first 5 are warm-up
  }
  r.unmount();
  return times;
}

let times: number[] = [];
let extra: Record<string, unknown> = {};
switch (name) {
  case 'scan':
    times = await timeRuns(snapshot, runs, 3);
    extra = { functions: (await snapshot()).devices.length };
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
    break;
  case 'keys-expand':
    times = await keys(Array.from({ length: runs }, (_, i) => (i % 2 ? 'l' : 'h')));
    break;
  case 'keys-filter': {
    // Type into the filter: '/' once, then characters and backspaces.
    times = await keys(['/', ...Array.from({ length: runs }, (_, i) => (i % 2 ? '\x7f' : '1'))]);
    times = times.slice(1);
    break;
  }
  case 'plan-50': {
    const snap = await snapshot();
    const intents: Intent[] = [];
    const devs = snap.devices.filter((d) => !d.isBridge && !d.physfn);
    for (let i = 0; intents.length < 50 && i < devs.length; i++) {
      const d = devs[i]!;
      if (d.sriov) intents.push({ kind: 'vfs', address: d.address, count: 4 });
      else if (i % 3 === 0) intents.push({ kind: 'assign', address: d.address, vmid: snap.vms[i % snap.vms.length]!.vmid, options: { allFunctions: false, pcie: true, xVga: false, rombar: true } });
      else intents.push({ kind: 'reserve', address: d.address });
    }
    times = await timeRuns(() => planChanges(snap, intents), runs, 3);
    extra = { intents: intents.length };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
console.log(JSON.stringify({ case: name, medianMs: median(times), p90Ms: percentile(times, 90), runs: times.length, maxRssMb: process.resourceUsage().maxRSS / 1024, extra }));
process.exit(0);
