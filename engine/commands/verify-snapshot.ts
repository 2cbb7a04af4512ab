import type { AppBinding } from '../run/app-binding.ts';
import { generate } from '../run/generate.ts';
import type { EngineKind } from '../db/sim-database.ts';
import { DUMP_FILE, SIDE_EFFECTS_FILE, readSnapshot } from '../snapshot/snapshot-files.ts';
import { IntegrityError } from '../snapshot/snapshot-validator.ts';
import { parseDumpTables } from '../snapshot/parse-dump.ts';
import { join } from 'node:path';

/** Regenerates a snapshot in a fresh database and compares bytes; names the first differing table and row. */
export async function verifySnapshot(
  binding: AppBinding,
  dir: string,
  options: { scenariosDir: string; engine?: EngineKind; databaseUrl?: string; log?: (l: string) => void },
): Promise<void> {
  const snap = readSnapshot(dir);
  const m = snap.manifest;
  const scenarioFile = join(options.scenariosDir, `${m.scenario}.yaml`);
  const result = await generate(binding, {
    scenarioFile,
    seed: m.seed,
    days: m.days,
    outDir: join(dir, '..'),
    engine: options.engine ?? (m.engine as EngineKind),
    databaseUrl: options.databaseUrl,
    dryRun: true,
    quiet: true,
    log: options.log,
  });
  const regenerated = result.files[DUMP_FILE]!;
  if (regenerated !== snap.dumpText) {
    throw new IntegrityError(
      `${dir}: regenerated ${DUMP_FILE} differs from the committed one: ${firstDifference(snap.dumpText, regenerated)}. The generator is not deterministic, or code changed without regenerating (run sim check)`,
    );
  }
  const { readFileSync } = await import('node:fs');
  if (readFileSync(join(dir, SIDE_EFFECTS_FILE), 'utf8') !== result.files[SIDE_EFFECTS_FILE]) {
    throw new IntegrityError(`${dir}: regenerated ${SIDE_EFFECTS_FILE} differs from the committed one`);
  }
}

export function firstDifference(a: string, b: string): string {
  const ta = parseDumpTables(a);
  const tb = parseDumpTables(b);
  for (const name of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
    const ra = ta.get(name)?.rows ?? [];
    const rb = tb.get(name)?.rows ?? [];
    const n = Math.max(ra.length, rb.length);
    for (let i = 0; i < n; i++) {
      if (ra[i] !== rb[i]) {
        return `first difference in table ${name}, row ${i + 1}: committed ${JSON.stringify(ra[i]?.slice(0, 120) ?? '(none)')} vs regenerated ${JSON.stringify(rb[i]?.slice(0, 120) ?? '(none)')}`;
      }
    }
  }
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      return `first difference outside table data at line ${i + 1}: ${JSON.stringify(la[i])} vs ${JSON.stringify(lb[i])}`;
    }
  }
  return 'files differ';
}
