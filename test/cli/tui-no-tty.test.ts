// The launcher's answers without a full screen: no terminal, --help, --version, bad usage.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.ts';
import { EXIT } from '../../src/cli/command.ts';
import { manualRoff } from '../../src/manual.ts';
import { runCli } from '../helpers/cli.ts';
import { LAUNCHER, runInPty } from '../helpers/pty.ts';
import { FIXTURES } from '../helpers/tree.ts';

const ROOT = join(import.meta.dirname, '../..');
const launch = (args: string[], input?: string) =>
  spawnSync(process.execPath, [LAUNCHER, ...args], { input: input ?? '', encoding: 'utf8' });
const NO_TTY =
  /needs a terminal \(stdin and stdout must be a TTY\)\.\nFor scripts use: pve-passthrough list \[--json\], plan \.\.\., apply \.\.\. --yes/;

describe('launcher without a terminal', () => {
  it('stdin not a TTY: a clear message pointing at list / plan / apply, and exit 2', () => {
    const r = launch(['--root', join(FIXTURES, 'guide')]);
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toMatch(NO_TTY);
    expect(r.stdout).toBe('');
  });

  it('stdout not a TTY (piped into a pager or a file), stdin a terminal: same message, no escape codes', async () => {
    const cmd = `'${process.execPath}' '${LAUNCHER}' --root '${join(FIXTURES, 'guide')}' | cat; echo "exit=\${PIPESTATUS[0]}"`;
    const run = runInPty(['-c', cmd], { command: '/bin/bash' });
    await run.exited;
    const out = run.output();
    expect(out).toMatch(/exit=2\b/);
    expect(out.replace(/\r/g, '')).toMatch(NO_TTY);
    expect(out).not.toContain('\x1b[?1049h');
  }, 30_000);
});

describe('help and version', () => {
  it('--help lists every command; each command has its own help, also through `help CMD`', async () => {
    const r = launch(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^pve-passthrough \d+\.\d+\.\d+ - set up PCIe passthrough on a Proxmox VE node\n\nUsage: pve-passthrough \[command\] \[options\]\n/,
    );
    for (const c of commands) {
      expect(r.stdout).toContain(`\n  ${c.name.padEnd(8)}  ${c.summary}\n`);
      expect((await runCli([c.name, '--help'])).stdout).toBe(c.usage);
      expect((await runCli(['help', c.name])).stdout).toBe(c.usage);
      expect(c.usage).toMatch(new RegExp(`^Usage: pve-passthrough (\\[${c.name}\\]|${c.name})`));
    }
    // No sub-command: options are the full-screen program's, and so is its help.
    expect((await runCli(['--root', 'x', '--help'])).stdout).toBe(commands.find((c) => c.name === 'tui')!.usage);
  });

  it('--version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(launch([flag]).stdout).toBe(`pve-passthrough ${version}\n`);
  });

  it('--man prints the manual page the program carries', async () => {
    expect((await runCli(['--man'])).stdout).toBe(manualRoff());
  });

  it('bad usage exits 2 with the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /unknown command 'bogus'/],
      [['--bogus'], /unknown option --bogus/],
      [['--root'], /--root needs a value/],
      [['--root', 'x', '--demo'], /--root and --demo exclude each other/],
      [['tui', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr).toMatch(message);
    }
  });
});
