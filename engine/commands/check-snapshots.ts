import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppBinding } from '../run/app-binding.ts';
import { schemaHash } from '../run/schema-hash.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { MANIFEST_FILE } from '../snapshot/snapshot-files.ts';

export interface StaleSnapshot {
  dir: string;
  reasons: string[];
  regenerate: string;
}

/** Compares each committed snapshot's recorded hashes with the code and scenario files as they are now. */
export function checkSnapshots(
  binding: AppBinding,
  folders: { scenariosDir: string; snapshotsDir: string },
  regenerate: (scenario: string) => string,
): { fresh: string[]; stale: StaleSnapshot[] } {
  const { scenariosDir, snapshotsDir } = folders;
  const fresh: string[] = [];
  const stale: StaleSnapshot[] = [];
  const currentSchema = schemaHash(binding.schemaFiles());
  const dirs = existsSync(snapshotsDir)
    ? readdirSync(snapshotsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const scenarioFiles = new Set(
    existsSync(scenariosDir) ? readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml')) : [],
  );
  for (const name of dirs) {
    const dir = join(snapshotsDir, name);
    const reasons: string[] = [];
    let manifest: Manifest | undefined;
    try {
      manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    } catch {
      reasons.push('manifest.json missing or unreadable');
    }
    const file = join(scenariosDir, `${name}.yaml`);
    if (!existsSync(file)) reasons.push(`no scenario file ${file} (remove the snapshot or restore the scenario)`);
    if (manifest && existsSync(file)) {
      const scenarioHash = 'sha256:' + createHash('sha256').update(readFileSync(file)).digest('hex');
      if (manifest.scenarioHash !== scenarioHash) {
        reasons.push(`scenario changed (${short(manifest.scenarioHash)} -> ${short(scenarioHash)})`);
      }
      if (manifest.schemaHash !== currentSchema) {
        reasons.push(`schema changed (${short(manifest.schemaHash)} -> ${short(currentSchema)})`);
      }
      if (manifest.generatorVersion !== binding.generatorVersion) {
        reasons.push(`generator ${manifest.generatorVersion} -> ${binding.generatorVersion}`);
      }
    }
    scenarioFiles.delete(`${name}.yaml`);
    if (reasons.length) stale.push({ dir, reasons, regenerate: regenerate(name) });
    else fresh.push(dir);
  }
  for (const f of [...scenarioFiles].sort()) {
    const name = f.replace(/\.yaml$/, '');
    stale.push({
      dir: join(snapshotsDir, name),
      reasons: ['scenario has no committed snapshot'],
      regenerate: regenerate(name),
    });
  }
  return { fresh, stale };
}

const short = (h: string | undefined) => (h ?? 'none').replace(/^sha256:/, '').slice(0, 12);
