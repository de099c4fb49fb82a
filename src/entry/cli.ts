// Argument routing only: each sub-command lives in src/cli/<name>.ts.
import type { CliCommand, CliIO } from '../cli/command.ts';
import { EXIT } from '../cli/command.ts';
import { clip } from '../cli/args.ts';
import { watchOutput } from '../cli/output-errors.ts';
import { describeError } from '../cli/run-guarded.ts';
import { commands } from '../cli/commands.ts';
import { version } from '../version.ts';

export async function main(argv: string[], io: CliIO): Promise<number> {
  const out = watchOutput(io.stdout);
  watchOutput(io.stderr);
  const code = await route(argv, io);
  // A write error surfaces as an event after the write: let it arrive, then report it once.
  await new Promise((r) => setImmediate(r));
  if (!out.error) return code;
  io.stderr.write(`pve-passthrough: ${describeError(out.error, 'standard output')}\n`);
  return code === EXIT.ok ? EXIT.failure : code;
}

async function route(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  const byName = new Map<string, CliCommand>(commands.map((c) => [c.name, c]));
  const usageError = (message: string, help = "see 'pve-passthrough --help'") => {
    io.stderr.write(`pve-passthrough: ${message} (${help})\n`);
    return EXIT.usage;
  };
  if (first === '--version' || first === '-V' || first === '--man') {
    if (rest.length) return usageError(`unexpected argument '${clip(rest[0]!)}' after ${first}`);
    if (first === '--man') {
      // The manual travels inside the one file: `pve-passthrough --man | man -l -` on the node.
      const { manualRoff } = await import('../manual.ts');
      io.stdout.write(manualRoff());
    } else io.stdout.write(`pve-passthrough ${version()}\n`);
    return EXIT.ok;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (rest.length > 1) return usageError(`unexpected argument '${clip(rest[1]!)}'`);
    const target = rest[0] === undefined ? undefined : byName.get(rest[0]);
    if (rest[0] !== undefined && !target) return usageError(`no command '${clip(rest[0])}' to show help for`);
    io.stdout.write(target ? target.usage : overview());
    return EXIT.ok;
  }
  // No sub-command (or only options such as --root): the full-screen program.
  const cmd = first && !first.startsWith('-') ? byName.get(first) : byName.get('tui');
  if (!cmd) return usageError(`unknown command '${clip(first!)}'`);
  const args = first && !first.startsWith('-') ? rest : argv;
  if (cmd.name === 'tui' && first?.startsWith('-')) {
    // `pve-passthrough --root X list`: the command came after an option, so it reads as a stray argument.
    const i = argv.findIndex((a, j) => byName.has(a) && a !== 'tui' && argv[j - 1] !== '--root');
    if (i >= 0)
      return usageError(
        `'${argv[i]}' is a command: put it first, as in pve-passthrough ${argv[i]} ${clip([...argv.slice(0, i), ...argv.slice(i + 1)].join(' '))}`,
      );
  }
  // Help wins over everything else on the line, even a bad option: it is what was asked for.
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(cmd.usage);
    return EXIT.ok;
  }
  return cmd.run(args, io);
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `pve-passthrough ${version()} - set up PCIe passthrough on a Proxmox VE node

Usage: pve-passthrough [command] [options]

With no command the full-screen program opens: on a Proxmox node it reads the machine itself
(run it as root to commit); anywhere else the built-in demo host, a temporary copy.

Commands:
${lines.join('\n')}

Options:
  -h, --help      this text; 'pve-passthrough <command> --help' for a command's options
  -V, --version   print the version
  --man           print the manual page (roff): pve-passthrough --man | man -l -

Options are strict: an unknown option, a stray argument or a --root that is not a folder is
bad usage. The only short options are -h and -V. PCI addresses are read as in a hostpci line:
06:00.1 is one function, 06:00 the whole slot (every function in it).

Exit codes: ${EXIT.ok} ok, ${EXIT.failure} failure (an apply is rolled back), ${EXIT.usage} bad usage or no terminal, ${EXIT.blocked} plan blocked,
not confirmed or check found errors, ${EXIT.refused} refused (not root, locked, nothing to roll back),
${EXIT.attention} needs you: (status) the node came back through the recovery entry or a trial was not confirmed; (monitor) an alert is active.
Every key, file and exit code: the manual page (docs/manual.md in the source).
`;
}
