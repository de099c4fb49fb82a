// The source checkout's fast start: bundle src/ once into node_modules/.cache/pve-passthrough
// (esbuild, ~0.3 s) and run that file on every start until a source file changes. Loading the
// TypeScript through tsx's loader hooks instead costs ~0.6 s more per start and runs React in
// development mode (~70 MB more). devBundle() returns the bundle's path, or null when it cannot
// be made (no esbuild, a read-only node_modules): the launcher then falls back to tsx.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleOptions, ROOT } from './bundle-options.mjs';

/** Every input of the bundle by path, size and mtime: a change in any one makes a new bundle. */
export function sourceKey(root = ROOT) {
  const h = createHash('sha1');
  const add = (p) => {
    const st = statSync(p);
    h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) (e.isDirectory() ? walk : add)(join(dir, e.name));
  };
  walk(join(root, 'src'));
  for (const f of ['package.json', 'package-lock.json', 'scripts/bundle-options.mjs'])
    if (existsSync(join(root, f))) add(join(root, f));
  h.update(process.version);
  return h.digest('hex').slice(0, 16);
}

export async function devBundle(cacheDir = join(ROOT, 'node_modules/.cache/pve-passthrough')) {
  let tmp = null;
  try {
    const file = join(cacheDir, `launcher-${sourceKey()}.mjs`);
    if (existsSync(file)) return file;
    const { build } = await import('esbuild');
    mkdirSync(cacheDir, { recursive: true });
    // Built under a private name and renamed into place: two launchers starting at once never
    // import a half-written file.
    tmp = `${file}.${process.pid}.tmp.mjs`;
    // Not minified and without a source map (which would cost ~50 ms and 20 MB per start):
    // esbuild marks each module with its src/ path, so a stack trace is still easy to follow.
    await build(bundleOptions({ outfile: tmp, minify: false }));
    renameSync(tmp, file);
    for (const old of readdirSync(cacheDir))
      if (old.startsWith('launcher-') && !old.includes('.tmp.') && join(cacheDir, old) !== file)
        rmSync(join(cacheDir, old), { force: true });
    return file;
  } catch {
    if (tmp) rmSync(tmp, { force: true });
    return null;
  }
}
