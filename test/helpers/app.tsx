// Renders the real App over a private copy of a fixture host, with keys written to stdin like
// a user's, and waits for frames by polling instead of sleeping.
import { render } from 'ink-testing-library';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { expect } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import type { CommandRunner } from '../../src/host/runner.ts';
import { createAppStore, type AppStore, type HostPort } from '../../src/store/app-store.ts';
import { App } from '../../src/ui/App.tsx';
import { copyFixture } from './tree.ts';
export { GUIDE_MAPPING_FILLED_IN } from './tree.ts';

export interface Harness {
  store: AppStore;
  root: string;
  frame(): string;
  raw(): string;
  press(...keys: string[]): Promise<void>;
  waitFor(pred: (frame: string) => boolean, what?: string): Promise<string>;
  unmount(): void;
}

export async function renderFixture(
  name: string,
  o: {
    columns?: number;
    rows?: number;
    colour?: boolean;
    ascii?: boolean;
    /** written into the copy first (paths relative to its root) */ files?: Record<string, string>;
    /** runs on the copy before it is read */ prepare?: (root: string) => Promise<void>;
    /** the network sampler (off by default: no timer in other tests) */ monitor?: (
      root: string,
      runner: CommandRunner,
    ) => HostPort['monitor'];
  } = {},
): Promise<Harness> {
  const root = copyFixture(name);
  for (const [p, text] of Object.entries(o.files ?? {})) writeFileSync(join(root, p), text);
  await o.prepare?.(root);
  const h = openHost({ root });
  const snapshot = await readHost(h.root, h.runner);
  const store = createAppStore({
    snapshot,
    size: { columns: o.columns ?? 80, rows: o.rows ?? 24 },
    colour: o.colour ?? true,
    ascii: o.ascii ?? false,
    host: {
      // Shown in the status line: a stable label keeps snapshots the same on every run.
      root: `fixture ${name}`,
      fixture: true,
      demo: false,
      apply: (plan, onProgress) => applyPlan(plan, { root, runner: h.runner, onProgress, uid: 0 }),
      reread: () => readHost(h.root, h.runner),
      rollback: () => rollback({ root, runner: h.runner, fs: h.fs, uid: 0 }),
      monitor: o.monitor?.(root, h.runner),
    },
  });
  const r = render(<App store={store} />);
  const raw = () => r.lastFrame() ?? '';
  const frame = () => stripVTControlCharacters(raw());
  const waitFor = async (pred: (f: string) => boolean, what = 'frame') => {
    const t0 = Date.now();
    while (Date.now() - t0 < 3000) {
      if (pred(frame())) return frame();
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = raw();
      r.stdin.write(k);
      // Let Ink process the key and re-render (most keys change the frame).
      const t0 = Date.now();
      while (raw() === before && Date.now() - t0 < 150) await new Promise((res) => setTimeout(res, 5));
      // ...and let effects run, so a newly shown list has its input handler before the next key.
      await new Promise((res) => setTimeout(res, 15));
    }
  };
  await waitFor((f) => f.length > 0);
  return { store, root, frame, raw, press, waitFor, unmount: r.unmount };
}

/** Moves the cursor to the row of a device address (from the top, a row at a time). */
export async function goTo(x: Harness, addr: string) {
  const short = addr.replace(/^0000:/, '');
  const cursorRow = () =>
    x
      .frame()
      .split('\n')
      .find((l) => l.startsWith('>')) ?? '';
  await x.press('g');
  for (let i = 0; i < 80 && !cursorRow().includes(short); i++) await x.press('j');
  expect(cursorRow()).toContain(short);
}
