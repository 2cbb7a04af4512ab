import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The hostile inputs: one file at a time, so canaries and process counts see only their own run.
export default mergeConfig(
  { resolve: base.resolve },
  defineConfig({
    test: {
      include: ['test/adversarial/**/*.test.ts'],
      testTimeout: 300_000,
      hookTimeout: 300_000,
      pool: 'forks',
      fileParallelism: false,
      globalSetup: ['test/adversarial/tally-setup.ts'],
    },
  }),
);
