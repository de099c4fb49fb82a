// The esbuild options shared by `npm run build` (the shipped bundle) and the source checkout's
// launcher (bin/pve-passthrough.js, which bundles into node_modules/.cache on first start).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const inkDevtoolsOff = {
  name: 'ink-devtools-off',
  setup(b) {
    // Ink imports react-devtools-core only when DEV=true; it is not a dependency: stub it.
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };', loader: 'js' }));
    // With DEV=true in the operator's environment Ink would also read ../package.json beside the
    // bundle (and crash). Its isDev() reads a local `process` import, out of `define`'s reach.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, () => ({ contents: 'export const isDev = () => false;', loader: 'js' }));
  },
};

/** esbuild options for one ESM file that runs src/bundle-entry.ts with plain node >= 20. */
export function bundleOptions({ outfile, minify = true, sourcemap = false }) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    entryPoints: [join(ROOT, 'src/bundle-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify,
    sourcemap,
    legalComments: 'none',
    define: { __PVE_PASSTHROUGH_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: [
        '#!/usr/bin/env node',
        // Debian 12 (PVE 8) ships Node 18: say what to do instead of failing somewhere inside.
        `if (+process.versions.node.split('.')[0] < 20) { process.stderr.write('pve-passthrough needs Node.js >= 20 (this is ' + process.version + '); copy the standalone executable dist/pve-passthrough instead.\\n'); process.exit(1); }`,
        // CommonJS dependencies call require() for built-ins; give the ESM bundle one.
        "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      ].join('\n'),
    },
    plugins: [inkDevtoolsOff],
    logLevel: 'warning',
  };
}
