import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands.ts';
import { manualMarkdown, manualRoff } from '../../src/manual.ts';
import { OWN } from '../../src/model/plan/files.ts';
import { KEYMAP } from '../../src/ui/keymap.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('manual page', () => {
  it('is up to date with the command, key and exit-code tables (npm run man regenerates it)', () => {
    expect(readFileSync(join(ROOT, 'man/pve-passthrough.1'), 'utf8')).toBe(manualRoff());
    expect(readFileSync(join(ROOT, 'docs/manual.md'), 'utf8')).toBe(manualMarkdown());
  });

  it('documents every key, sub-command, exit code and file the planner owns', () => {
    const md = manualMarkdown();
    for (const b of KEYMAP) expect(md).toContain(`| \`${b.keys}\` | ${b.description} |`);
    for (const c of commands) expect(md).toContain(`### ${c.name}\n${c.summary}`);
    for (const code of Object.values(EXIT)) expect(md).toMatch(new RegExp(`\\n\\| ${code} \\| \\w`));
    for (const path of Object.values(OWN)) expect(md).toContain(`| \`/${path}\` |`);
    for (const v of ['NO_COLOR', 'TERM', 'XDG_STATE_HOME', 'TMPDIR', 'PVE_PASSTHROUGH_CRASH_TEST'])
      expect(md).toContain(`| \`${v}\` |`);
  });

  it('the roff page is plain ASCII (arrows as groff escapes), so man renders it on LANG=C', () => {
    expect(manualRoff()).not.toMatch(/[^\x00-\x7f]/);
    expect(manualRoff()).toContain('\\(ua/k \\(da/j');
  });
});
