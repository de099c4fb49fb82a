// Once per kernel-lab run: the guest image (built from Debian packages or found in the cache,
// see scripts/kernel-lab/build-image.sh) and the standalone executable the guests run.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO, ensureImage } from '../../scripts/kernel-lab/lab.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    labImage: string;
    labProgram: string;
  }
}

export default function setup(project: TestProject) {
  const program = process.env.PVE_PASSTHROUGH_LAB_PROGRAM ?? join(REPO, 'dist/pve-passthrough');
  if (!existsSync(program) || !statSync(program).isFile()) {
    throw new Error(`kernel lab: ${program} not found; run \`npm run build\` first (npm run test:kernel does)`);
  }
  const started = Date.now();
  const image = ensureImage();
  process.stderr.write(`kernel lab: image ${image} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  project.provide('labImage', image);
  project.provide('labProgram', program);
}
