// npm run build: dist/pve-passthrough.mjs (one file, runs with plain node >= 20, no
// node_modules) and dist/pve-passthrough (a standalone executable: Node's single-executable
// application support, so the node has no Node.js installed).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const onlyBundle = process.argv.includes('--bundle-only');
mkdirSync(out, { recursive: true });

// Ink loads react-devtools-core only when DEV=true; it is not a dependency, so stub it.
const stubDevtools = {
  name: 'stub-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };', loader: 'js' }));
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
  // CommonJS dependencies call require() for built-ins; give the ESM bundle one.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [stubDevtools],
  logLevel: 'warning',
});
chmodSync(bundle, 0o755);
const kib = (p) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MiB`;
console.log(`dist/pve-passthrough.mjs  ${kib(bundle)}`);
if (onlyBundle) process.exit(0);

// The standalone executable. Node 20's SEA runs one CommonJS script; the bundle is ESM with
// top-level await (yoga-layout), so the script writes it next to a cache key and import()s it.
const code = readFileSync(bundle, 'utf8').replace(/^#!.*\n/, '');
const key = `${pkg.version}-${code.length}`;
const seaMain = join(out, 'sea-main.cjs');
writeFileSync(
  seaMain,
  `const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path'); const { pathToFileURL } = require('node:url');
const dir = path.join(os.tmpdir(), 'pve-passthrough-' + ${JSON.stringify(key)} + '-' + (process.getuid ? process.getuid() : 0));
const file = path.join(dir, 'pve-passthrough.mjs');
if (!fs.existsSync(file)) { fs.mkdirSync(dir, { recursive: true, mode: 0o700 }); fs.writeFileSync(file + '.' + process.pid, ${JSON.stringify(code)}); fs.renameSync(file + '.' + process.pid, file); }
import(pathToFileURL(file).href).catch((e) => { console.error(e); process.exit(1); });
`,
);
const seaConfig = join(out, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({ main: seaMain, output: join(out, 'sea.blob'), disableExperimentalSEAWarning: true }));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });
const exe = join(out, 'pve-passthrough');
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
execFileSync(process.execPath, [join(root, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', join(out, 'sea.blob'), '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: 'ignore' });
for (const f of [seaMain, seaConfig, join(out, 'sea.blob')]) rmSync(f, { force: true });
console.log(`dist/pve-passthrough      ${kib(exe)} (standalone, Node ${process.versions.node} inside)`);
