// npm run build: dist/pve-passthrough.mjs (one file, runs with plain node >= 20, no
// node_modules) and dist/pve-passthrough (a standalone executable: Node's single-executable
// application support, for a node with no Node.js installed).
//   node scripts/build.mjs [--out DIR] [--bundle-only]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const onlyBundle = process.argv.includes('--bundle-only');
mkdirSync(out, { recursive: true });

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

const bundle = join(out, 'pve-passthrough.mjs');
await build({
  entryPoints: [join(root, 'src/bundle-entry.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
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
});
chmodSync(bundle, 0o755);
const size = (p) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MiB`;
console.log(`${join(relative(root, out), 'pve-passthrough.mjs').padEnd(26)}${size(bundle)}`);
if (onlyBundle) process.exit(0);

// The standalone executable. Node 20's SEA runs one CommonJS script, but the bundle is ESM with
// top-level await (yoga-layout's wasm). So the bundle rides along as an SEA asset, and the
// script writes it into a fresh private folder (mkdtemp: unpredictable name, mode 0700, so
// nobody can plant code there for root to run), import()s it, and removes the folder again.
const seaMain = join(out, 'sea-main.cjs');
writeFileSync(
  seaMain,
  `'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { getAsset } = require('node:sea');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pve-passthrough-'));
const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
process.once('exit', cleanup);
const file = path.join(dir, 'pve-passthrough.mjs');
fs.writeFileSync(file, getAsset('pve-passthrough.mjs', 'utf8'), { flag: 'wx', mode: 0o600 });
import(pathToFileURL(file).href).then(cleanup, (e) => {
  cleanup();
  console.error(e);
  process.exit(1);
});
`,
);
const seaConfig = join(out, 'sea-config.json');
const blob = join(out, 'sea.blob');
writeFileSync(seaConfig, JSON.stringify({ main: seaMain, output: blob, disableExperimentalSEAWarning: true, assets: { 'pve-passthrough.mjs': bundle } }));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'pipe' });
const exe = join(out, 'pve-passthrough');
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
const postject = join(dirname(fileURLToPath(import.meta.resolve('postject'))), 'cli.js');
execFileSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: 'pipe' });
for (const f of [seaMain, seaConfig, blob]) rmSync(f, { force: true });
console.log(`${join(relative(root, out), 'pve-passthrough').padEnd(26)}${size(exe)} (standalone: Node ${process.versions.node} ${process.platform}-${process.arch} inside)`);
