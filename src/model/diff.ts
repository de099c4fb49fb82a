// Unified diffs of whole files (config files are small: an LCS table is plenty), as structured
// lines so the TUI can colour them and the CLI can print them.

export interface DiffLine {
  kind: 'header' | 'hunk' | 'context' | 'add' | 'del';
  text: string;
}

function lines(s: string | null): string[] {
  if (s === null || s === '') return [];
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

type Op = { kind: 'context' | 'add' | 'del'; text: string; a: number; b: number };

function ops(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push({ kind: 'context', text: a[i]!, a: i++, b: j++ });
    else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!))
      out.push({ kind: 'add', text: b[j]!, a: i, b: j++ });
    else out.push({ kind: 'del', text: a[i]!, a: i++, b: j });
  }
  return out;
}

export function unifiedDiff(before: string | null, after: string | null, path: string, context = 3): DiffLine[] {
  const all = ops(lines(before), lines(after));
  const out: DiffLine[] = [
    { kind: 'header', text: `--- ${before === null ? '/dev/null' : `a/${path}`}` },
    { kind: 'header', text: `+++ ${after === null ? '/dev/null' : `b/${path}`}` },
  ];
  const changed = all.map((o, k) => (o.kind !== 'context' ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - context);
    let end = changed[k]!;
    while (k < changed.length && changed[k]! <= end + 2 * context) end = changed[k++]!;
    const stop = Math.min(all.length, end + context + 1);
    const chunk = all.slice(start, stop);
    const aStart = chunk[0]!.a;
    const bStart = chunk[0]!.b;
    const aLen = chunk.filter((o) => o.kind !== 'add').length;
    const bLen = chunk.filter((o) => o.kind !== 'del').length;
    out.push({
      kind: 'hunk',
      text: `@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`,
    });
    for (const o of chunk)
      out.push({ kind: o.kind, text: `${o.kind === 'add' ? '+' : o.kind === 'del' ? '-' : ' '}${o.text}` });
  }
  return out;
}
