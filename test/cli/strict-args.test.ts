// Strict command lines: every sub-command (and the full-screen entry with no command) refuses an
// unknown option, short or long, a stray argument and a bad --root with exit 2, a message on
// stderr and nothing on stdout, before anything is read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clip, parseArgs, UsageError } from '../../src/cli/args.ts';
import { EXIT } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands.ts';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';

const GUIDE = join(FIXTURES, 'guide');
const MISSING = '/nonexistent/pvept-root';

/** How each entry is typed: the sub-command's name, and for the TUI also no name at all. */
const entries: Array<[string, string[]]> = [
  ...commands.map((c): [string, string[]] => [c.name, [c.name]]),
  ['(no command)', []],
];

const dir = tempDir('pvept-args-');
const aFile = join(dir, 'not-a-folder');
writeFileSync(aFile, 'x\n');
afterAll(() => removeTree(dir));

describe.each(entries)('%s', (_name, prefix) => {
  // A missing root after the bad argument: had anything been read, the message would be about the root.
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown short option', ['-r', GUIDE], /unknown option -r\b/],
    ['an unknown short option among known ones', ['--root', MISSING, '-j'], /unknown option -j\b/],
    ['an unknown long option', ['--bogus-option', '--root', MISSING], /unknown option --bogus-option\b/],
    ['a stray argument', ['--root', MISSING, 'stray'], /unexpected argument 'stray'/],
    ['a second --root', ['--root', GUIDE, '--root', MISSING], /--root given more than once/],
    ['--root without its value', ['--root'], /--root needs a value/],
    ['--root eating the next option', ['--root', '--bogus'], /--root needs a value, got the option-like '--bogus'/],
  ];
  it.each(cases)('%s: exit 2, the reason on stderr, nothing on stdout', async (_what, args, message) => {
    const r = await runCli([...prefix, ...args]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^pve-passthrough: .*\(see 'pve-passthrough (\w+ )?--help'\)\n$/);
  });

  it('--root naming a missing path or a file: exit 2 naming the path', async () => {
    const missing = await runCli([...prefix, '--root', MISSING]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`pve-passthrough: --root ${MISSING}: no such folder\n`);
    const file = await runCli([...prefix, '--root', aFile]);
    expect(file.code).toBe(EXIT.usage);
    expect(file.stdout).toBe('');
    expect(file.stderr).toContain(`--root ${aFile}: not a folder`);
    const under = await runCli([...prefix, '--root', join(aFile, 'etc')]);
    expect(under.code).toBe(EXIT.usage);
    expect(under.stderr).toContain(`--root ${join(aFile, 'etc')}: not a folder`);
  });

  it('-h and --help print its help text, which documents -h', async () => {
    // With no command, -h is the program's overview; after a command, that command's usage.
    const usage = prefix.length ? commands.find((c) => c.name === prefix[0])!.usage : (await runCli(['--help'])).stdout;
    for (const h of ['-h', '--help']) {
      const r = await runCli([...prefix, h]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).toBe(usage);
    }
    expect(usage).toMatch(/\n {2}-h, --help {2,}/);
  });
});

describe('top level', () => {
  it('stray arguments after --version, --man, help are usage errors; so is help for an unknown command', async () => {
    for (const args of [
      ['--version', 'x'],
      ['-V', 'x'],
      ['--man', 'x'],
      ['help', 'list', 'x'],
      ['help', 'nosuch'],
      ['--help', 'nosuch'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^pve-passthrough: /);
    }
    expect((await runCli(['--help', 'list'])).stdout).toBe(commands.find((c) => c.name === 'list')!.usage);
  });

  it('a command after an option is named as such, with the line to type', async () => {
    const r = await runCli(['--root', GUIDE, 'list', '--json']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `pve-passthrough: 'list' is a command: put it first, as in pve-passthrough list ${clip(`--root ${GUIDE} --json`)} (see 'pve-passthrough --help')\n`,
    );
  });
});

describe('echoed input is cut to a sensible length', () => {
  const huge = 'x'.repeat(100_000);

  it('clip keeps short strings and cuts long ones, saying how long they were', () => {
    expect(clip('03:00.0')).toBe('03:00.0');
    expect(clip(huge)).toBe(`${'x'.repeat(60)}... (100000 characters)`);
  });

  it('a 100 KB argument anywhere in a message stays short', async () => {
    const lines: string[][] = [
      [huge],
      ['list', huge],
      ['list', `--${huge}`],
      ['list', '--root', huge],
      ['list', '--json=' + huge],
      ['plan', '--root', GUIDE, '--reserve', huge],
      ['plan', '--root', GUIDE, '--vfs', `04:00.0=${huge}`],
      ['plan', '--root', GUIDE, '--assign', `07:00.0=${huge}`],
      ['plan', '--root', GUIDE, '--assign', `07:00.0=102,pcie=${huge}`],
      ['plan', '--root', GUIDE, '--unassign', huge],
      ['help', huge],
    ];
    for (const args of lines) {
      const r = await runCli(args);
      expect(r.code, args.map((a) => clip(a, 20)).join(' ')).toBe(EXIT.usage);
      expect(r.stderr.length, r.stderr.slice(0, 200)).toBeLessThan(300);
      expect(r.stderr).toContain('... (100');
    }
  });
});

describe('parseArgs', () => {
  const spec = { flags: ['json'], values: ['root'], repeatable: ['reserve'] };
  it('keeps --key=value, --key value and repeated values', () => {
    const p = parseArgs(['--root=/x', '--reserve', 'a', '--reserve=b', '--json'], spec);
    expect(p.values.get('root')).toEqual(['/x']);
    expect(p.values.get('reserve')).toEqual(['a', 'b']);
    expect([...p.flags]).toEqual(['json']);
  });

  it('refuses a value given to a flag, grouped unknown short options and a -- terminator', () => {
    expect(() => parseArgs(['--json=1'], spec)).toThrow(
      new UsageError("--json takes no value (got '1') (see 'pve-passthrough --help')"),
    );
    expect(() => parseArgs(['-jr'], spec)).toThrow(/unknown option -j/);
    expect(() => parseArgs(['--', 'x'], spec)).toThrow(/unexpected '--'/);
  });
});
