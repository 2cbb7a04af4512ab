import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './usage-error.ts';

/** `baseline-45d`, `baseline-45d.yaml` or a path: all name the same scenario file. */
export function resolveScenario(arg: string | undefined, scenariosDir: string): string {
  const name = arg ?? 'baseline-45d';
  const candidates = [name, join(scenariosDir, name), join(scenariosDir, `${name}.yaml`)];
  const found = candidates.find((c) => existsSync(c) && c.endsWith('.yaml'));
  if (!found) {
    throw new UsageError(
      `scenario '${name}' not found (looked for ${candidates.join(', ')}); list them with: ls ${scenariosDir}/*.yaml`,
    );
  }
  return found;
}
