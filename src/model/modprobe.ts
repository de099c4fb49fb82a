// modprobe.d and modules-load.d files: parsers that keep every raw line, so an edit changes
// only its own line and unrelated lines survive byte for byte.

export interface ModprobeFacts {
  /** vendor:device ids from `options vfio-pci ids=` (or vfio_pci). */
  ids: string[];
  softdeps: Array<{ module: string; pre: string[] }>;
  blacklist: string[];
}

const norm = (m: string) => m.replace(/-/g, '_');
export const isVfioPci = (m: string) => norm(m) === 'vfio_pci';

function code(line: string): string {
  const hash = line.indexOf('#');
  return (hash >= 0 ? line.slice(0, hash) : line).trim();
}

export function parseModprobe(text: string): ModprobeFacts {
  const facts: ModprobeFacts = { ids: [], softdeps: [], blacklist: [] };
  for (const line of text.split('\n')) {
    const w = code(line).split(/\s+/).filter(Boolean);
    if (w[0] === 'options' && w[1] && isVfioPci(w[1])) {
      for (const opt of w.slice(2)) {
        if (opt.startsWith('ids='))
          facts.ids.push(
            ...opt
              .slice(4)
              .split(',')
              .map((s) => s.toLowerCase())
              .filter(Boolean),
          );
      }
    } else if (w[0] === 'softdep' && w[1]) {
      const pre: string[] = [];
      let inPre = false;
      for (const t of w.slice(2)) {
        if (t === 'pre:') inPre = true;
        else if (t === 'post:') inPre = false;
        else if (inPre) pre.push(t);
      }
      facts.softdeps.push({ module: w[1], pre });
    } else if (w[0] === 'blacklist' && w[1]) {
      facts.blacklist.push(w[1]);
    }
  }
  return facts;
}

/** Module names in a modules-load.d file (or /etc/modules): one per line, `#`/`;` comments. */
export function parseModulesLoad(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/[#;].*$/, '').trim())
    .filter(Boolean);
}

/**
 * Removes the given ids from every `options vfio-pci ids=` line; a line left with no ids loses
 * the ids= option, and a line left with no options at all is dropped. Other lines untouched.
 */
export function removeVfioIds(text: string, ids: string[]): string {
  const drop = new Set(ids.map((s) => s.toLowerCase()));
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const w = code(line).split(/\s+/).filter(Boolean);
    if (!(w[0] === 'options' && w[1] && isVfioPci(w[1]) && w.some((o) => o.startsWith('ids=')))) {
      out.push(line);
      continue;
    }
    const opts = w.slice(2).flatMap((o) => {
      if (!o.startsWith('ids=')) return [o];
      const keep = o
        .slice(4)
        .split(',')
        .filter((id) => id && !drop.has(id.toLowerCase()));
      return keep.length ? [`ids=${keep.join(',')}`] : [];
    });
    if (opts.join(' ') === w.slice(2).join(' ')) out.push(line);
    else if (opts.length) out.push(`options ${w[1]} ${opts.join(' ')}`);
  }
  return out.join('\n');
}
