// npm run build: dist/pve-passthrough.mjs (one file, runs with plain node >= 20, no
// node_modules) and dist/pve-passthrough (a standalone executable: Node's single-executable
// application support, for a node with no Node.js installed).
//   node scripts/build.mjs [--out DIR] [--bundle-only]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions, ROOT as root } from './bundle-options.mjs';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');
const onlyBundle = process.argv.includes('--bundle-only');
mkdirSync(out, { recursive: true });

const bundle = join(out, 'pve-passthrough.mjs');
await build(bundleOptions({ outfile: bundle }));
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
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: seaMain,
    output: blob,
    disableExperimentalSEAWarning: true,
    assets: { 'pve-passthrough.mjs': bundle },
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'pipe' });
const exe = join(out, 'pve-passthrough');
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
const postject = join(dirname(fileURLToPath(import.meta.resolve('postject'))), 'cli.js');
execFileSync(
  process.execPath,
  [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
  { stdio: 'pipe' },
);
for (const f of [seaMain, seaConfig, blob]) rmSync(f, { force: true });
console.log(
  `${join(relative(root, out), 'pve-passthrough').padEnd(26)}${size(exe)} (standalone: Node ${process.versions.node} ${process.platform}-${process.arch} inside)`,
);
