import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The real-boot tier (QEMU, minutes): `npm run test:kernel`, its own config.
    exclude: [...configDefaults.exclude, 'test/kernel/**'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20000,
    hookTimeout: 30000,
    pool: 'forks',
  },
});
