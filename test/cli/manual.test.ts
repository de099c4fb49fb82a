import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualMarkdown, manualRoff } from '../../src/manual.ts';
import { KEYMAP } from '../../src/ui/keymap.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('manual page', () => {
  it('is up to date with the command, key and exit-code tables (run scripts/gen-man.ts)', () => {
    expect(readFileSync(join(ROOT, 'man/pve-passthrough.1'), 'utf8')).toBe(manualRoff());
    expect(readFileSync(join(ROOT, 'docs/manual.md'), 'utf8')).toBe(manualMarkdown());
  });
  it('documents every key and every sub-command', () => {
    const md = manualMarkdown();
    for (const b of KEYMAP) expect(md).toContain(b.description);
    for (const c of ['tui', 'list', 'plan', 'apply', 'rollback', 'history']) expect(md).toContain(`### ${c}`);
  });
});
