import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPglite } from '../db/pglite-boot.ts';
import { PROJECT_ID } from '../db/open-backend.ts';
import { dropOwnedDatabase } from '../safety/index.ts';
import { restoreIntoPglite } from '../snapshot/restore-pglite.ts';
import { restoreToServer } from '../snapshot/restore-server.ts';
import { readSnapshot } from '../snapshot/snapshot-files.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { diffSchemas } from './catalog.ts';
import { SchemaDriftError } from './learn-errors.ts';
import { learnProfile } from './learn-profile.ts';
import type { LearnSpec } from './learn-spec.ts';
import type { Profile } from './profile-types.ts';
import { readProfile } from './profile-validator.ts';
import { openReadOnlyPglite, openReadOnlyServer } from './read-only-session.ts';
import { renderReport } from './render-report.ts';
import { scoreProfiles, worstFirst, type ScoreReport } from './score-profiles.ts';

export interface ReportOptions {
  snapshotDir: string;
  profileFile: string;
  out: string;
  backend?: 'postgres' | 'pglite';
  /** postgres backend: the server to restore on (its own database is never written). */
  databaseUrl?: string;
  minScore?: number;
  ceilingProfileFile?: string;
  allowSchemaDrift?: boolean;
  log?: (line: string) => void;
}

export interface ReportResult {
  report: ScoreReport;
  synthetic: Profile;
  summary: string;
  belowMinimum: boolean;
  drift: string[];
  wallMs: number;
}

/**
 * Learns a snapshot with the same extractor and the profile's own k, in a database restored for
 * the purpose (a fresh sim_ database on a server, dropped afterwards, or PGlite in this process).
 */
export async function learnSnapshot(
  spec: LearnSpec,
  snapshotDir: string,
  o: { backend?: 'postgres' | 'pglite'; databaseUrl?: string; k: number; userK: number; log?: (line: string) => void },
): Promise<Profile> {
  if (o.backend === 'pglite') {
    const snap = readSnapshot(snapshotDir);
    const pglite = await createPglite();
    try {
      await restoreIntoPglite(pglite, snap.dumpText);
      const session = await openReadOnlyPglite(pglite);
      try {
        return await learnProfile(session, spec, { k: o.k, userK: o.userK });
      } finally {
        await session.close();
      }
    } finally {
      await pglite.close();
    }
  }
  const admin = o.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const began = performance.now();
  const { url, name } = await restoreToServer(snapshotDir, admin, {
    name: `sim_report_${randomBytes(5).toString('hex')}`,
    purpose: 'report',
  });
  o.log?.(`restored ${snapshotDir} into ${name} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  try {
    const session = await openReadOnlyServer(url);
    const learning = performance.now();
    try {
      return await learnProfile(session, spec, { k: o.k, userK: o.userK });
    } finally {
      await session.close();
      o.log?.(`learned it in ${((performance.now() - learning) / 1000).toFixed(1)} s`);
    }
  } finally {
    await dropOwnedDatabase(admin, name, { project: PROJECT_ID });
  }
}

export function formatSummary(report: ScoreReport, o: { snapshot: string; profileFile: string; out?: string }): string {
  const s = (x: number | null) => (x === null ? '  —  ' : x.toFixed(3));
  const lines = [
    `fidelity of ${o.snapshot} against ${o.profileFile}`,
    `overall ${s(report.overall)}${report.ceiling !== null ? ` (ceiling ${s(report.ceiling)})` : ''}`,
    ...report.groups.map(
      (g) =>
        `  ${g.group.padEnd(20)} ${s(g.mean)}  (${g.scored} items` +
        (g.ceiling !== null ? `, ceiling ${s(g.ceiling)}` : '') +
        ')',
    ),
    'worst ten:',
    ...worstFirst(report.items)
      .filter((i) => i.score !== null)
      .slice(0, 10)
      .map((i) => `  ${s(i.score)}  ${i.metric.padEnd(16)} ${i.id}`),
  ];
  if (o.out) lines.push(`wrote ${o.out}`);
  return lines.join('\n') + '\n';
}

/** `sim report`: profile validated first, snapshot learned, schemas compared, HTML written atomically. */
export async function reportSnapshot(spec: LearnSpec, o: ReportOptions): Promise<ReportResult> {
  const began = performance.now();
  const profile = readProfile(o.profileFile, spec);
  const ceiling = o.ceilingProfileFile ? readProfile(o.ceilingProfileFile, spec) : undefined;
  const synthetic = await learnSnapshot(spec, o.snapshotDir, {
    backend: o.backend,
    databaseUrl: o.databaseUrl,
    k: profile.privacy.k,
    userK: profile.privacy.userK,
    log: o.log,
  });
  const drift =
    profile.source.schemaHash === synthetic.source.schemaHash
      ? []
      : diffSchemas(profile.source.schema, synthetic.source.schema);
  if (drift.length && !o.allowSchemaDrift) throw new SchemaDriftError(o.profileFile, drift);
  if (drift.length) o.log?.(`scoring across schema drift (--allow-schema-drift):\n  ${drift.join('\n  ')}`);
  const report = scoreProfiles(profile, synthetic, ceiling);
  const html = renderReport(report, {
    snapshot: o.snapshotDir,
    profileFile: o.profileFile,
    profile,
    synthetic,
    generatedAt: new Date(),
  });
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileAtomic(o.out, html);
  const belowMinimum = o.minScore !== undefined && (report.overall ?? 0) < o.minScore;
  let summary = formatSummary(report, { snapshot: o.snapshotDir, profileFile: o.profileFile, out: o.out });
  if (belowMinimum) summary += `overall score ${(report.overall ?? 0).toFixed(3)} is below --min-score ${o.minScore}\n`;
  return { report, synthetic, summary, belowMinimum, drift, wallMs: performance.now() - began };
}
