import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIO_EXTENSIONS } from '../engine/config/scenario-file.ts';
import { displayPath, type LoadedConfig, type ResolvedApp } from '../engine/config/sim-config.ts';
import { UsageError } from './usage-error.ts';

/** `baseline-45d`, `baseline-45d.yaml` or a path to a YAML file: all name the same scenario file. */
export function resolveScenario(arg: string | undefined, app: ResolvedApp, config: LoadedConfig): string {
  const dir = app.scenariosDir;
  if (arg === undefined) {
    throw new UsageError(
      `name a scenario (app '${app.name}' has no defaultScenario in ${displayPath(config.file)}); ` +
        `its scenarios: ${listScenarios(dir).join(', ') || `none in ${displayPath(dir)}`}`,
    );
  }
  const candidates = [arg, join(dir, arg), ...SCENARIO_EXTENSIONS.map((ext) => join(dir, `${arg}${ext}`))];
  const found = candidates.find((c) => SCENARIO_EXTENSIONS.some((ext) => c.endsWith(ext)) && isFile(c));
  if (!found) {
    const known = listScenarios(dir);
    throw new UsageError(
      `scenario '${arg}' not found in ${displayPath(dir)} (app '${app.name}'); ` +
        (known.length ? `its scenarios: ${known.join(', ')}` : 'that folder has no .yaml files'),
    );
  }
  return found;
}

/** Scenario names in a folder: files ending in .yaml or .yml. */
export function listScenarios(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SCENARIO_EXTENSIONS.some((ext) => f.endsWith(ext)))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
