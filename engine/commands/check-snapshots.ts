import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readRegularFile } from '../util/read-regular-file.ts';
import { DEFAULT_LIMITS } from '../config/load-yaml.ts';
import { PROFILE_MAX_BYTES } from '../learn/profile-validator.ts';
import { join } from 'node:path';
import { SCENARIO_EXTENSIONS } from '../config/scenario-file.ts';
import { loadLearn, type LoadedLearn, type ResolvedApp } from '../config/sim-config.ts';
import type { AppBinding } from '../run/app-binding.ts';
import { schemaHash } from '../run/schema-hash.ts';
import { bundleSimulation } from '../run/simulation-bundle.ts';
import type { Manifest, ManifestProfile } from '../snapshot/manifest.ts';
import { MANIFEST_FILE, MANIFEST_MAX_BYTES } from '../snapshot/snapshot-files.ts';

export interface StaleSnapshot {
  dir: string;
  reasons: string[];
  regenerate: string;
}

/** How to regenerate a scenario's snapshot: its name and the options that reproduce it. */
export type RegenerateCommand = (scenario: string, options: string[]) => string;

/**
 * Compares every snapshot of an app with the project as it is now: the scenario file, the schema,
 * the code of every source file the simulation runs (engine, binding, app; comments and layout
 * aside), the versions of the packages it imports, and the generator version. Each difference is
 * named; a scenario without a snapshot counts too.
 */
export async function checkSnapshots(
  binding: AppBinding,
  app: ResolvedApp,
  regenerate: RegenerateCommand,
): Promise<{ fresh: string[]; stale: StaleSnapshot[] }> {
  const fresh: string[] = [];
  const stale: StaleSnapshot[] = [];
  const { scenariosDir, snapshotsDir } = app;
  const currentSchema = schemaHash(binding.schemaFiles());
  const bundle = await bundleSimulation(app.bindingModule, app.projectRoot);
  const dirs = existsSync(snapshotsDir)
    ? readdirSync(snapshotsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort()
    : [];
  const scenarios = new Map(
    (existsSync(scenariosDir) ? readdirSync(scenariosDir) : [])
      .filter((f) => SCENARIO_EXTENSIONS.some((ext) => f.endsWith(ext)))
      .map((f) => [f.replace(/\.ya?ml$/, ''), join(scenariosDir, f)]),
  );
  const covered = new Set<string>();
  let learn: LoadedLearn | Error | undefined;
  for (const name of dirs) {
    const dir = join(snapshotsDir, name);
    const scenarioName = name.replace(/@d\d+$/, '');
    covered.add(scenarioName);
    const reasons: string[] = [];
    let manifest: Manifest | undefined;
    try {
      manifest = JSON.parse(
        readRegularFile(join(dir, MANIFEST_FILE), MANIFEST_MAX_BYTES, { noFollow: true }).toString('utf8'),
      ) as Manifest;
      if (manifest.format !== 2 || !manifest.inputs) throw new Error('an older manifest format');
    } catch (e) {
      reasons.push(
        `manifest.json missing, unreadable or of ` +
          `${(e as Error).message.includes('older') ? 'an older format' : 'no known format'}`,
      );
      manifest = undefined;
    }
    const file = scenarios.get(scenarioName);
    if (!file) {
      reasons.push(
        `no scenario file ${scenarioName}.yaml in ${scenariosDir} (remove the snapshot or restore the scenario)`,
      );
    }
    if (manifest && file) {
      const scenarioHash =
        'sha256:' + createHash('sha256').update(readRegularFile(file, DEFAULT_LIMITS.maxBytes)).digest('hex');
      if (manifest.inputs.scenario !== scenarioHash) reasons.push('scenario file changed');
      if (manifest.inputs.schema !== currentSchema) reasons.push('schema (migrations) changed');
      const code = changedKeys(manifest.inputs.sources, bundle.sources);
      if (code.length) reasons.push(`code changed: ${list(code)}`);
      const packages = changedKeys(manifest.inputs.packages, bundle.packages).map(
        (p) => `${p} ${manifest!.inputs.packages[p] ?? 'none'} -> ${bundle.packages[p] ?? 'none'}`,
      );
      if (packages.length) reasons.push(`packages changed: ${list(packages)}`);
      if (manifest.generatorVersion !== binding.generatorVersion) {
        reasons.push(`generator ${manifest.generatorVersion} -> ${binding.generatorVersion}`);
      }
      if (manifest.inputs.profile) {
        learn ??= await loadLearn(app).catch((e: Error) => e);
        reasons.push(...profileChanges(manifest.inputs.profile, app, learn));
      }
    }
    const options: string[] = [];
    if (manifest?.inputs?.overrides.seed !== undefined) options.push(`--seed ${manifest.inputs.overrides.seed}`);
    if (manifest?.inputs?.overrides.days !== undefined) options.push(`--days ${manifest.inputs.overrides.days}`);
    const profile = manifest?.inputs?.overrides.profile;
    if (profile) options.push(`--profile ${profile.file}`, `--profile-scale ${profile.scale}`);
    if (manifest?.checkpoint !== null && manifest?.checkpoint !== undefined) {
      options.push(`--checkpoints ${manifest.checkpoint}`);
    }
    if (reasons.length) stale.push({ dir, reasons, regenerate: regenerate(scenarioName, options) });
    else fresh.push(dir);
  }
  for (const name of [...scenarios.keys()].sort()) {
    if (covered.has(name)) continue;
    const reasons = ['scenario has no committed snapshot'];
    stale.push({ dir: join(snapshotsDir, name), reasons, regenerate: regenerate(name, []) });
  }
  return { fresh, stale };
}

/** What changed in a snapshot's profile: the file, or the code of the learn module that applied it. */
function profileChanges(profile: ManifestProfile, app: ResolvedApp, learn: LoadedLearn | Error): string[] {
  const file = join(app.projectRoot, profile.file);
  if (!existsSync(file)) return [`profile ${profile.file} is gone`];
  const reasons: string[] = [];
  if (
    'sha256:' + createHash('sha256').update(readRegularFile(file, PROFILE_MAX_BYTES)).digest('hex') !==
    profile.sha256
  ) {
    reasons.push(`profile ${profile.file} changed`);
  }
  if (learn instanceof Error) reasons.push(`learn module cannot be loaded: ${learn.message}`);
  else {
    const code = changedKeys(profile.sources, learn.sources);
    if (code.length) reasons.push(`learn module code changed: ${list(code)}`);
  }
  return reasons;
}

/** Keys whose values differ, were added or removed. */
function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((k) => before?.[k] !== after[k]).sort();
}

const list = (items: string[]) =>
  items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');
