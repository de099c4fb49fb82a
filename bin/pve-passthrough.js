#!/usr/bin/env node
// Launcher for a source checkout: loads the TypeScript sources through tsx. The single-file
// bundle (npm run build) does not need this.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = code;
