// Argument routing only: each sub-command lives in src/cli/<name>.ts.
import type { CliCommand, CliIO } from './cli/command.ts';
import { EXIT } from './cli/command.ts';
import { commands } from './cli/commands.ts';
import { version } from './version.ts';

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout.write(`pve-passthrough ${version()}\n`);
    return EXIT.ok;
  }
  if (first === '--man') {
    // The manual travels inside the one file: `pve-passthrough --man | man -l -` on the node.
    const { manualRoff } = await import('./manual.ts');
    io.stdout.write(manualRoff());
    return EXIT.ok;
  }
  const byName = new Map<string, CliCommand>(commands.map((c) => [c.name, c]));
  if (first === '--help' || first === '-h' || first === 'help') {
    const target = first === 'help' && rest[0] ? byName.get(rest[0]) : undefined;
    io.stdout.write(target ? target.usage : overview());
    return EXIT.ok;
  }
  // No sub-command (or only options such as --root): the full-screen program.
  const cmd = first && !first.startsWith('-') ? byName.get(first) : byName.get('tui');
  if (!cmd) {
    io.stderr.write(`pve-passthrough: unknown command '${first}'\n\n${overview()}`);
    return EXIT.usage;
  }
  const args = first && !first.startsWith('-') ? rest : argv;
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

Exit codes: ${EXIT.ok} ok, ${EXIT.failure} failure (an apply is rolled back), ${EXIT.usage} bad usage or no terminal, ${EXIT.blocked} plan blocked,
not confirmed or check found errors, ${EXIT.refused} refused (not root, locked, nothing to roll back).
Every key, file and exit code: the manual page (docs/manual.md in the source).
`;
}
