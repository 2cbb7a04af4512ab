import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The package as a user installs it: packed, installed in a project of its own, used there.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
