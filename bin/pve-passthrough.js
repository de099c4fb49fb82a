#!/usr/bin/env node
// Launcher for a source checkout. Runs a bundle of src/ cached in node_modules/.cache (rebuilt
// when a source changes; see scripts/dev-bundle.mjs), or the TypeScript through tsx when no
// bundle can be made. PVE_PASSTHROUGH_TSX=1 forces tsx. Not in the npm package: its commands
// (package.json "bin") are the prebuilt dist/pve-passthrough.mjs, which needs neither.
import { pathToFileURL } from 'node:url';
import { devBundle } from '../scripts/dev-bundle.mjs';

const bundle = process.env.PVE_PASSTHROUGH_TSX ? null : await devBundle();
if (bundle) {
  await import(pathToFileURL(bundle).href); // runs main() and sets the exit code
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/entry/cli.ts');
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
