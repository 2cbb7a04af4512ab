import { isAbsolute, join } from 'node:path';
import { SCENARIO_EXTENSIONS } from '../config/scenario-file.ts';
import { loadLearn, type ResolvedApp } from '../config/sim-config.ts';
import type { Backend } from '../db/sim-database.ts';
import type { AppBinding } from '../run/app-binding.ts';
import { generate } from '../run/generate.ts';
import { parseDumpTables } from '../snapshot/parse-dump.ts';
import { DUMP_FILE, SIDE_EFFECTS_FILE, SNAPSHOT_FILE_MAX_BYTES, readSnapshot } from '../snapshot/snapshot-files.ts';
import { readRegularFile } from '../util/read-regular-file.ts';
import { IntegrityError } from '../snapshot/snapshot-validator.ts';
import { existsSync } from 'node:fs';

export interface VerifyOptions {
  backend?: Backend;
  databaseUrl?: string;
  allowRemoteHosts?: string[];
  workers?: number;
  log?: (line: string) => void;
}

/**
 * Regenerates a snapshot in fresh databases and compares bytes. Nothing the manifest says is
 * trusted beyond what names the run: the scenario (a plain name, looked up in the app's scenarios
 * folder), the seed, the days and the checkpoint. The backend is the caller's choice.
 */
export async function verifySnapshot(
  binding: AppBinding,
  app: ResolvedApp,
  dir: string,
  options: VerifyOptions = {},
): Promise<void> {
  const snap = readSnapshot(dir);
  const m = snap.manifest;
  if (typeof m.scenario !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(m.scenario)) {
    throw new IntegrityError(`${dir}/manifest.json: scenario ${JSON.stringify(m.scenario)} is not a scenario name`);
  }
  const scenarioFile = SCENARIO_EXTENSIONS.map((ext) => join(app.scenariosDir, `${m.scenario}${ext}`)).find((f) =>
    existsSync(f),
  );
  if (!scenarioFile) {
    throw new IntegrityError(
      `${dir}: its scenario '${m.scenario}' is not in ${app.scenariosDir}; pass --app if it is another app's`,
    );
  }
  // A checkpoint's state is, by construction, the end state of a run that stops there; day 0
  // (the state the window starts from) is read as a checkpoint of a one-day run.
  const checkpoint = typeof m.checkpoint === 'number' ? m.checkpoint : null;
  const days = checkpoint === null ? m.days : Math.max(checkpoint, 1);
  const result = await generate(binding, {
    bindingModule: app.bindingModule,
    projectRoot: app.projectRoot,
    app: app.name,
    scenarioFile,
    seed: m.seed,
    days,
    // The profile the snapshot records, wherever the scenario file points now (sim check tells those apart).
    profile: m.inputs.profile && {
      file: profileFileOf(app, dir, m.inputs.profile.file),
      scale: m.inputs.profile.scale,
    },
    loadLearn: () => loadLearn(app),
    checkpoints: checkpoint === 0 ? [0] : [],
    outDir: join(dir, '..'),
    backend: options.backend ?? 'pglite',
    databaseUrl: options.databaseUrl,
    allowRemoteHosts: options.allowRemoteHosts,
    workers: options.workers,
    dryRun: true,
    quiet: true,
    log: options.log ?? (() => {}),
  });
  const regenerated = checkpoint === 0 ? result.checkpoints.get(0)! : result;
  for (const name of [DUMP_FILE, SIDE_EFFECTS_FILE]) {
    const committed =
      name === DUMP_FILE
        ? snap.dumpText
        : readRegularFile(join(dir, name), SNAPSHOT_FILE_MAX_BYTES, { noFollow: true }).toString('utf8');
    const fresh = regenerated.files[name]!;
    if (committed !== fresh) {
      throw new IntegrityError(
        `${dir}: regenerated ${name} differs from the committed one:\n${firstDifference(committed, fresh)}\n` +
          'The generator is not deterministic, or something that shapes the data changed without ' +
          'regenerating (sim check names what)',
      );
    }
  }
}

/** Where two dumps first differ: the table and row when it is in table data, and the bytes around it. */
export function firstDifference(committed: string, regenerated: string): string {
  const a = Buffer.from(committed, 'utf8');
  const b = Buffer.from(regenerated, 'utf8');
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  const line = committed.slice(0, a.subarray(0, at).toString('utf8').length).split('\n').length;
  const lines: string[] = [`  first differing byte: ${at} (line ${line})`];
  const table = tableAt(committed, regenerated);
  if (table) lines.push(`  ${table}`);
  const show = (buf: Buffer) => JSON.stringify(buf.subarray(Math.max(0, at - 60), at + 60).toString('utf8'));
  lines.push(`  committed:   …${show(a)}…`, `  regenerated: …${show(b)}…`);
  return lines.join('\n');
}

function tableAt(committed: string, regenerated: string): string | undefined {
  const ta = parseDumpTables(committed);
  const tb = parseDumpTables(regenerated);
  for (const name of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
    const ra = ta.get(name)?.rows ?? [];
    const rb = tb.get(name)?.rows ?? [];
    for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
      if (ra[i] !== rb[i]) return `first difference in table ${name}, row ${i + 1}`;
    }
  }
  return undefined;
}

/** A manifest's profile path, only ever inside the project (a manifest is data, not an instruction). */
function profileFileOf(app: ResolvedApp, dir: string, file: string): string {
  if (typeof file !== 'string' || isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
    throw new IntegrityError(`${dir}: manifest names a profile outside the project (${JSON.stringify(file)})`);
  }
  return join(app.projectRoot, file);
}
