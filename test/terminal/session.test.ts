// The crash log: where it goes, and that it never writes through someone else's file.
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashLogDirs, writeCrashLog } from '../../src/entry/terminal/session.ts';
import { removeTree, tempDir } from '../helpers/tree.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
const dir = () => {
  const d = tempDir('pvept-crashlog-');
  dirs.push(d);
  return d;
};

describe('crash log', () => {
  it('prefers /var/log/pve-passthrough on a real node, then XDG_STATE_HOME, then the temp folder', () => {
    expect(crashLogDirs({ XDG_STATE_HOME: '/s' }, true)).toEqual([
      '/var/log/pve-passthrough',
      '/s/pve-passthrough',
      expect.any(String),
    ]);
    expect(crashLogDirs({}, false)).toHaveLength(1);
  });

  it('writes version, environment and stack into a new private file in the first writable folder', () => {
    const d = dir();
    const blocked = join(d, 'not-a-dir');
    writeFileSync(blocked, '');
    const err = new Error('boom');
    const path = writeCrashLog(
      err,
      [join(blocked, 'sub'), join(d, 'logs')],
      { TERM: 'linux' },
      new Date('2026-01-02T03:04:05.678Z'),
    );
    expect(path).toBe(join(d, 'logs', `pve-passthrough-crash-2026-01-02T03-04-05-678Z-${process.pid}.log`));
    const text = readFileSync(path!, 'utf8');
    expect(text).toMatch(/^pve-passthrough \S+ crashed at 2026-01-02T03:04:05.678Z\n/);
    expect(text).toContain('TERM=linux');
    expect(text).toContain('Error: boom\n    at ');
    expect(lstatSync(path!).mode & 0o777).toBe(0o600);
  });

  it('never follows a planted symlink (a shared /tmp): it moves on to the next folder', () => {
    const a = dir();
    const b = dir();
    const now = new Date('2026-01-02T03:04:05.678Z');
    const victim = join(a, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(a, `pve-passthrough-crash-2026-01-02T03-04-05-678Z-${process.pid}.log`));
    const path = writeCrashLog(new Error('x'), [a, b], {}, now);
    expect(path?.startsWith(b)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('returns null when nothing is writable', () => {
    const d = dir();
    writeFileSync(join(d, 'f'), '');
    expect(writeCrashLog(new Error('x'), [join(d, 'f', 'x')], {})).toBeNull();
    expect(existsSync(join(d, 'f', 'x'))).toBe(false);
  });
});
