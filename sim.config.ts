import { defineConfig } from './engine/config/sim-config.ts';

// The apps this repository simulates: the bundled billing app, and the storefront example.
export default defineConfig({
  apps: {
    billing: {
      binding: './bindings/billing/index.ts',
      scenarios: './scenarios',
      snapshots: './snapshots',
      defaultScenario: 'baseline-45d',
      learn: './bindings/billing/learn.ts',
    },
    storefront: {
      binding: './examples/storefront/binding/index.ts',
      scenarios: './examples/storefront/scenarios',
      snapshots: './examples/storefront/snapshots',
      defaultScenario: 'first-days',
    },
  },
});
