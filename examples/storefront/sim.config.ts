import { defineConfig } from 'facade-sim/config';

// The storefront on its own, as a project that installed facade-sim would register it.
export default defineConfig({
  apps: {
    storefront: {
      binding: './binding/index.ts',
      scenarios: './scenarios',
      snapshots: './snapshots',
      defaultScenario: 'first-days',
    },
  },
});
