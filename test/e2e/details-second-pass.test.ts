// The TUI reads the details pane's attributes after its first frame (readHostInTwo); the pane
// then shows them as a one-pass read would: revision, subsystem, link, reset methods, NUMA node.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInPty } from '../helpers/pty.ts';
import { FIXTURES } from '../helpers/tree.ts';

describe('details after the first frame', () => {
  it('the details pane of a device shows the second pass attributes', async () => {
    const run = runInPty(['--root', join(FIXTURES, 'guide')], { cols: 80, rows: 24 });
    await run.waitFor('IOMMU groups');
    run.write('jj'); // Group 1, its root port, then 01:00.0 (the SAS HBA)
    const screen = await run.waitFor((s) => s.includes('Link 8.0 GT/s'));
    expect(screen).toMatch(/^> +01:00\.0 SAS3008/m);
    expect(screen).toContain('0000:01:00.0  [1000:0097] rev 02  subsys 1000:30e0');
    expect(screen).toContain('Link 8.0 GT/s PCIe x8  Reset flr,bus  NUMA 0');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  }, 30_000);
});
