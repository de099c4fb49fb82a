// The kernel lab tier (`npm run test:kernel`): boots Debian 12 guests under QEMU/TCG and runs the
// standalone executable inside them. Minutes per scenario, so not part of `npm test`. Two
// scenario files boot at a time (one QEMU vCPU thread each on the two cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/kernel/**/*.test.ts'],
    globalSetup: ['test/kernel/global-setup.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
