// facade-sim/config: what sim.config.ts imports. Kept apart from the loader so that a config file
// pulls in nothing but this declaration.
export { defineConfig, type AppConfig, type SimConfig } from './sim-config.ts';
