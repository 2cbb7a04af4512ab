import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'engine/**/*.test.ts',
      'domain/**/*.test.ts',
      'bindings/**/*.test.ts',
      'cli/**/*.test.ts',
    ],
    exclude: ['test/adversarial/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The docker backend needs one container per run; CI builds the image and sets SIM_POSTGRES_IMAGE.
    globalSetup:
      process.env.SIM_POSTGRES_IMAGE || process.env.SIM_DOCKER === '1' ? ['engine/testing/global-setup.ts'] : [],
    reporters: ['default'],
  },
});
