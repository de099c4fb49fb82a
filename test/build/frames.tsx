// The frames of a short session (colour on), the same code run patched (bundled) and unpatched.
import { render } from 'ink-testing-library';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { App } from '../../src/ui/App.tsx';

export async function renderFrames(root: string): Promise<string[]> {
  const h = openHost({ root });
  const snapshot = await readHost(h.root, h.runner);
  const store = createAppStore({
    snapshot,
    size: { columns: 100, rows: 30 },
    colour: true,
    ascii: false,
    host: {
      root: 'fixture',
      fixture: true,
      demo: false,
      apply: () => Promise.reject(new Error('no')),
      reread: () => readHost(h.root, h.runner),
    },
  });
  const r = render(<App store={store} />);
  const frames: string[] = [r.lastFrame() ?? ''];
  const settle = () => new Promise((res) => setTimeout(res, 60));
  for (const k of ['j', 'j', 'G', ' ', '\r', 'p', '\t', '?']) {
    r.stdin.write(k);
    await settle();
    frames.push(r.lastFrame() ?? '');
  }
  r.unmount();
  return frames;
}
