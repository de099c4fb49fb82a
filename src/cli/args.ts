// Tiny flag parser shared by the sub-commands: `--flag`, `--key value`, `--key=value`,
// repeatable keys collect into arrays. Unknown flags are a usage error, not silently ignored.

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string[]>;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: { flags: string[]; values: string[] }): ParsedArgs {
  const out: ParsedArgs = { flags: new Set(), values: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (spec.flags.includes(name) && eq < 0) {
      out.flags.add(name);
    } else if (spec.values.includes(name)) {
      const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      out.values.set(name, [...(out.values.get(name) ?? []), v]);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}

export const lastValue = (p: ParsedArgs, name: string) => p.values.get(name)?.at(-1);
