import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Tests import the package by name, as a user's do; inside the repository that is the source.
  resolve: {
    alias: [
      { find: /^facade-sim\/testing$/, replacement: source('./engine/testing/index.ts') },
      { find: /^facade-sim\/config$/, replacement: source('./engine/config/define-config.ts') },
      { find: /^facade-sim$/, replacement: source('./engine/index.ts') },
    ],
  },
  test: {
    include: [
      'test/**/*.test.ts',
      'engine/**/*.test.ts',
      'domain/**/*.test.ts',
      'bindings/**/*.test.ts',
      'cli/**/*.test.ts',
    ],
    // The hostile inputs and the packed package have suites of their own (npm run test:adversarial,
    // npm run test:package): each takes minutes that every change does not need.
    exclude: ['test/adversarial/**', 'test/package/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Most tests wait on PostgreSQL or a child process, so two files at a time fit a 2-core machine.
    maxWorkers: 2,
    // The docker backend needs one container per run; CI builds the image and sets SIM_POSTGRES_IMAGE.
    globalSetup:
      process.env.SIM_POSTGRES_IMAGE || process.env.SIM_DOCKER === '1' ? ['engine/testing/global-setup.ts'] : [],
    reporters: ['default'],
  },
});
