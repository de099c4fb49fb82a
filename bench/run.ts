// npm run bench: scan, the manual way (lspci), start-up, keystroke-to-frame, planning and peak
// memory, on the reference-guide fixture and generated large hosts. Medians after warm-up.
// Not part of npm test. Needs lspci (Debian: pciutils) for the manual-way rows.
// `npm run bench -- first-frame`: only the start-up rows (first frame per size, its phases).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error plain .mjs build scripts without types
import { bundleOptions } from '../scripts/bundle-options.mjs';
// @ts-expect-error plain .mjs build scripts without types
import { devBundle } from '../scripts/dev-bundle.mjs';
import { generateLarge } from '../scripts/gen-large-fixture.ts';
import { firstFrames, TARGET_MS, type FrameRun } from './first-frame.ts';
import { lspciAvailable } from './manual.ts';
import { fmtMs, fmtRatio, median, percentile } from './stats.ts';

interface Result {
  case: string;
  medianMs: number;
  p90Ms: number;
  runs: number;
  maxRssMb: number;
  extra: Record<string, unknown>;
}

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'pvept-bench-'));
const onlyFirstFrame = process.argv[2] === 'first-frame';
const hosts: Record<string, string> = {
  guide: join(ROOT, 'test/fixtures/guide'),
  'large-400': join(tmp, 'large-400'),
  'large-1000': join(tmp, 'large-1000'),
  'large-2000': join(tmp, 'large-2000'),
};
const SIZES = ['large-400', 'large-1000', 'large-2000'];
generateLarge(hosts['large-400']!, 400, 60);
generateLarge(hosts['large-1000']!, 1000, 200);
generateLarge(hosts['large-2000']!, 2000, 500);

// The cases run bundled, the way the program ships (plain node, production React, no tsx
// loader), so each child's peak RSS is the program's own and not the loader's (~70 MB).
const cases = join(tmp, 'cases.mjs');
await build({ ...bundleOptions({ outfile: cases, minify: false }), entryPoints: [join(ROOT, 'bench/cases.ts')] });
// And the shipped bundle itself, built now from the current sources (never a stale dist/).
const bundle = join(tmp, 'pve-passthrough.mjs');
await build(bundleOptions({ outfile: bundle }));

function run(name: string, host: string, runs: number): Result {
  // stderr dropped: Ink's cursor restore on exit would land in the table.
  const out = execFileSync(process.execPath, [cases, name, hosts[host]!, String(runs)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

const rows: string[][] = [['case', 'host', 'median', 'p90', 'runs', 'peak RSS', 'note']];
// Peak RSS: each case's own child process; the first-frame rows read the real program's VmHWM.
const add = (r: Result, host: string, note = '') =>
  rows.push([r.case, host, fmtMs(r.medianMs), fmtMs(r.p90Ms), String(r.runs), `${r.maxRssMb.toFixed(0)} MB`, note]);
/** A row with only a note: a verdict over the rows above it. */
const noteRow = (note: string) => rows.push(['', '', '', '', '', '', note]);

if (!onlyFirstFrame) {
  const scans: Record<string, Result> = {};
  for (const host of ['guide', 'large-400', 'large-2000']) {
    const s = run('scan', host, 15);
    const f = run('floor', host, 15);
    scans[host] = s;
    add(s, host, `${s.extra.functions} functions; ${fmtRatio(s.medianMs / f.medianMs)} of floor`);
    add(
      run('scan-first', host, 15),
      host,
      "the TUI's first pass: no details-pane attributes (read after the first frame)",
    );
    add(f, host, 'bare reads, no parsing');
  }
  noteRow(
    `growth 400 -> 2000 functions: ${fmtRatio(scans['large-2000']!.medianMs / scans['large-400']!.medianMs)} time for 5x size`,
  );
  if (lspciAvailable()) {
    for (const host of ['guide', 'large-400']) {
      const loop = run('lspci-loop', host, host === 'guide' ? 5 : 2);
      const once = run('lspci-once', host, 5);
      add(
        loop,
        host,
        `guide's loop, one lspci per device: ours is ${fmtRatio(loop.medianMs / scans[host]!.medianMs)} faster`,
      );
      add(
        once,
        host,
        `one lspci -Dnnvmm: ours takes ${fmtRatio(scans[host]!.medianMs / once.medianMs)} its time (we read drivers, groups, VMs, host use too)`,
      );
    }
  } else rows.push(['lspci', '-', 'n/a', '', '', '', 'lspci not installed (apt-get install pciutils)']);
}

// Start-up: process start to the first full frame in a pseudo-terminal, per size, against the
// target; wall and CPU (all the program's threads) medians, as the machine may be shared.
const ms = (xs: number[]) => fmtMs(median(xs));
const bundleWall: Record<string, number> = {};
const frameRow = (what: string, host: string, r: FrameRun[], note: string) => {
  const wall = median(r.map((x) => x.wallMs));
  if (what === 'first frame (bundle)') bundleWall[host] = wall;
  const target = host === 'guide' ? '' : `; target < ${TARGET_MS} ms: ${wall < TARGET_MS ? 'met' : 'NOT met'}`;
  rows.push([
    what,
    host,
    fmtMs(wall),
    fmtMs(
      percentile(
        r.map((x) => x.wallMs),
        90,
      ),
    ),
    String(r.length),
    `${Math.max(...r.map((x) => x.rssMb)).toFixed(0)} MB`,
    `CPU ${ms(r.map((x) => x.cpuMs))}${target}; ${note}`,
  ]);
};
// The source launcher's one-off bundling, into a cache of its own (the checkout's stays as is).
const t0 = performance.now();
await devBundle(join(tmp, 'launcher-cache'));
rows.push([
  'launcher bundling',
  '-',
  fmtMs(performance.now() - t0),
  '',
  '1',
  '',
  'first start after a source change (esbuild into node_modules/.cache)',
]);
for (const host of ['guide', ...SIZES]) {
  frameRow(
    'first frame (bundle)',
    host,
    await firstFrames([bundle, '--root', hosts[host]!], 7),
    'node dist/pve-passthrough.mjs; RSS = real TUI process',
  );
  frameRow(
    'first frame (launcher)',
    host,
    await firstFrames([join(ROOT, 'bin/pve-passthrough.js'), '--root', hosts[host]!], 7),
    'node bin/pve-passthrough.js (cached bundle of src/)',
  );
  if (host === 'guide') {
    frameRow(
      'first frame (tsx)',
      host,
      await firstFrames([join(ROOT, 'bin/pve-passthrough.js'), '--root', hosts[host]!], 5, 2, {
        PVE_PASSTHROUGH_TSX: '1',
      }),
      'launcher fallback: TypeScript through tsx (dev React)',
    );
  }
}
const over = SIZES.filter((h) => !(bundleWall[h]! < TARGET_MS));
noteRow(
  `first frame (bundle) < ${TARGET_MS} ms at every size up to 2,000 functions: ${over.length ? `NO (${over.join(', ')})` : 'yes'}`,
);
// Where the time goes: the TUI's path to its first frame, phase by phase, each run in a fresh
// process (bench/cases.ts first-frame: no node start-up, no terminal set-up).
for (const host of SIZES) {
  const runs = Array.from({ length: 7 }, () => run('first-frame', host, 1));
  const phases = Object.keys(runs[0]!.extra.phases as object);
  const at = (p: string, k: 'ms' | 'cpuMs') =>
    median(runs.map((r) => (r.extra.phases as Record<string, { ms: number; cpuMs: number }>)[p]![k]));
  rows.push([
    'first-frame phases',
    host,
    fmtMs(median(runs.map((r) => r.medianMs))),
    '',
    String(runs.length),
    '',
    `wall/CPU: ${phases.map((p) => `${p} ${at(p, 'ms').toFixed(0)}/${at(p, 'cpuMs').toFixed(0)}`).join(', ')}`,
  ]);
}
if (!onlyFirstFrame) {
  for (const c of ['keys-move', 'keys-expand', 'keys-filter']) {
    const r = run(c, 'large-2000', 60);
    add(
      r,
      'large-2000',
      `keystroke to frame through Ink's real render path (120x40); ${((r.extra.bytesPerKey as number) / 1024).toFixed(1)} KiB written per key`,
    );
  }
  add(run('plan-50', 'large-2000', 20), 'large-2000', '50 staged changes');
  for (const host of ['guide', 'large-400']) {
    const m = run('monitor-sample', host, 30);
    add(
      m,
      host,
      `monitor: CPU per sample (1 s interval: ${(m.medianMs / 10).toFixed(2)}% of a core); ${m.extra.interfaces} interfaces, VF lists of ${m.extra.pfsAsked} PFs (one ip call per PF up to 4, else one for all; its spawn not counted), ${m.extra.rows} rows; wall ${fmtMs(m.extra.wallMedianMs as number)}`,
    );
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const r of rows) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
rmSync(tmp, { recursive: true, force: true });
