import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER } from '../helpers/pty.ts';
import { FIXTURES } from '../helpers/tree.ts';

describe('launcher without a terminal', () => {
  it('stdin not a TTY: a clear message pointing at list / plan / apply, and exit 2', () => {
    const r = spawnSync(process.execPath, [LAUNCHER, '--root', join(FIXTURES, 'guide')], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal.*\n.*pve-passthrough list \[--json\], plan \.\.\., apply \.\.\. --yes/);
    expect(r.stdout).toBe('');
  });

  it('--help lists every command and each command has its own help', () => {
    const r = spawnSync(process.execPath, [LAUNCHER, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of ['tui', 'list', 'plan', 'apply', 'rollback', 'history']) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} +\\S`));
    const p = spawnSync(process.execPath, [LAUNCHER, 'plan', '--help'], { encoding: 'utf8' });
    expect(p.stdout).toMatch(/--assign ADDR=VMID/);
    expect(spawnSync(process.execPath, [LAUNCHER, 'bogus'], { encoding: 'utf8' }).status).toBe(2);
  });
});
