// The flag parser shared by the sub-commands, on node:util's parseArgs in strict mode:
// `--flag`, `--key value`, `--key=value`; keys declared repeatable collect into arrays.
// Everything else is a usage error before anything is read: an unknown option, short or long
// (the only short option is -h, handled by the router), a stray positional argument, a value
// missing or looking like another option, a value given to a flag, and a single-valued option
// given twice (so a second --root is never silently dropped).
import { statSync } from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string[]>;
  positional: string[];
}

export interface ArgSpec {
  /** Boolean options: `--json`. */
  flags: string[];
  /** Options taking one value: `--root DIR`; given twice is a usage error. */
  values: string[];
  /** Options taking a value that may be repeated: `--reserve A --reserve B`. */
  repeatable?: string[];
}

export class UsageError extends Error {}

/** How much of a user's argument an error message echoes. */
export const ECHO_MAX = 60;

/** Echo user input in a message, cut to a sensible length: a 100 KB argument must not fill the terminal. */
export function clip(s: string, max = ECHO_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max)}... (${s.length} characters)`;
}

type NodeOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export function parseArgs(argv: string[], spec: ArgSpec, command?: string): ParsedArgs {
  const repeatable = spec.repeatable ?? [];
  const options: NodeOptions = {};
  for (const f of spec.flags) options[f] = { type: 'boolean' };
  for (const v of spec.values) options[v] = { type: 'string' };
  for (const v of repeatable) options[v] = { type: 'string', multiple: true };
  const hint = command ? ` (see 'pve-passthrough ${command} --help')` : " (see 'pve-passthrough --help')";

  const strict = () => {
    try {
      return nodeParseArgs({ args: argv, options, strict: true, allowPositionals: false, tokens: true });
    } catch (e) {
      if (!(e instanceof TypeError) || !String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) throw e;
      throw new UsageError(`${diagnose(argv, options)}${hint}`);
    }
  };
  const parsed = strict();
  const seen = new Map<string, number>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || !spec.values.includes(t.name)) continue;
    seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    if (seen.get(t.name) === 2) throw new UsageError(`--${t.name} given more than once${hint}`);
  }

  const out: ParsedArgs = { flags: new Set(), values: new Map(), positional: [] };
  for (const [name, v] of Object.entries(parsed.values)) {
    if (v === undefined) continue;
    if (typeof v === 'boolean') {
      if (v) out.flags.add(name);
    } else out.values.set(name, Array.isArray(v) ? v.map(String) : [v]);
  }
  return out;
}

/**
 * Strict parsing failed: name the argument at fault in words. node's own messages echo the
 * argument in full and suggest `--` (which no command here takes), so read the same arguments
 * again without strictness and find the first one strict mode refused.
 */
function diagnose(argv: string[], options: NodeOptions): string {
  const { tokens } = nodeParseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'positional') return `unexpected argument '${clip(t.value)}'`;
    if (t.kind === 'option-terminator') return "unexpected '--' (no command takes arguments after it)";
    const o = options[t.name];
    const shown = clip(t.rawName);
    if (!o) return `unknown option ${shown}`;
    if (o.type === 'boolean' && t.value !== undefined) return `${shown} takes no value (got '${clip(t.value)}')`;
    if (o.type === 'string') {
      if (t.value === undefined) return `${shown} needs a value`;
      if (!t.inlineValue && t.value.startsWith('-')) {
        return `${shown} needs a value, got the option-like '${clip(t.value)}' (write ${shown}=VALUE if the value starts with '-')`;
      }
    }
  }
  return 'malformed arguments';
}

export const lastValue = (p: ParsedArgs, name: string) => p.values.get(name)?.at(-1);

/**
 * The --root value, checked before anything is read: a path that does not exist or is not a
 * folder is a usage error naming the path (a typo must not read or change anything else).
 * Undefined when --root was not given; each command decides its default.
 */
export function rootArg(p: ParsedArgs): string | undefined {
  const root = lastValue(p, 'root');
  if (root === undefined) return undefined;
  const shown = `--root ${clip(root)}`;
  if (root === '') throw new UsageError('--root needs a folder, got an empty value');
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${shown}: no such folder`);
    if (code === 'ENOTDIR') throw new UsageError(`${shown}: not a folder (a part of the path is a file)`);
    throw new UsageError(`${shown}: cannot be read (${code ?? (e as Error).message})`);
  }
  if (!st.isDirectory())
    throw new UsageError(`${shown}: not a folder (give the root of a node's tree, e.g. / or a copy of one)`);
  return root;
}
