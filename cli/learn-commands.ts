import { Command, InvalidArgumentError, Option } from 'commander';
import type { LearnSpec } from '../engine/learn/learn-spec.ts';
import { learnToFile } from '../engine/learn/learn-to-file.ts';
import { explainQueries } from '../engine/learn/query-plan.ts';
import { reportSnapshot } from '../engine/learn/report-snapshot.ts';
import { DEFAULT_K } from '../engine/learn/privacy.ts';

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number, got '${v}'`);
  return Number(v);
};
const decimal = (name: string) => (v: string) => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`${name} must be a number like 0.9, got '${v}'`);
  return Number(v);
};

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `sim learn` and `sim report`, given what they need from the app: its learn declarations. */
export function addLearnCommands(
  program: Command,
  appOptions: (cmd: Command) => Command,
  learnSpec: (o: { app?: string; config?: string }) => Promise<LearnSpec>,
): void {
  appOptions(program.command('learn'))
    .description(
      'learn a profile (aggregates only, k-thresholded, optionally differentially private) from a production ' +
        'database or replica, read-only',
    )
    .option('--database-url <url>', "the app's database (a replica is best); read in one READ ONLY transaction")
    .option('--out <file>', 'where to write the profile, e.g. profiles/prod.json')
    .option('--k <n>', `distinct tenants behind every released cell (at least 5)`, int('--k'), DEFAULT_K)
    .option('--user-k <n>', 'distinct users behind every per-user cell (default: --k)', int('--user-k'))
    .option(
      '--epsilon <e>',
      'add differential privacy: Laplace noise on every released count, this total budget',
      decimal('--epsilon'),
    )
    .option('--explain', 'print the queries a run would send and connect nowhere')
    .option('--allow-remote-host <host...>', 'allow a non-loopback database host, by exact name')
    .option(
      '--statement-timeout-ms <n>',
      'statement_timeout of the transaction',
      int('--statement-timeout-ms'),
      120_000,
    )
    .option('--lock-timeout-ms <n>', 'lock_timeout of the transaction', int('--lock-timeout-ms'), 5_000)
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const spec = await learnSpec(o);
      if (o.explain) {
        process.stdout.write(explainQueries(spec, o));
        return;
      }
      if (!o.databaseUrl || !o.out) {
        throw Object.assign(new Error('sim learn needs --database-url <url> and --out <file> (or --explain)'), {
          exitCode: 2,
        });
      }
      const r = await learnToFile(spec, {
        databaseUrl: o.databaseUrl,
        out: o.out,
        k: o.k,
        userK: o.userK,
        epsilon: o.epsilon,
        allowRemoteHosts: o.allowRemoteHost,
        statementTimeoutMs: o.statementTimeoutMs,
        lockTimeoutMs: o.lockTimeoutMs,
        log: o.quiet ? undefined : (line: string) => process.stderr.write(`  ${line}\n`),
      });
      const p = r.profile.privacy;
      process.stdout.write(
        `wrote ${o.out} (${r.sha256}) in ${(r.wallMs / 1000).toFixed(1)} s: ` +
          `${Object.keys(r.profile.tables).length} tables, ` +
          `${Object.keys(r.profile.metrics).length} metrics, ${p.queries.length} queries; k = ${p.k}, ` +
          `${p.cellsSuppressed} cells suppressed${p.epsilon ? `, epsilon = ${p.epsilon.total}` : ''}\n`,
      );
    });

  appOptions(program.command('report'))
    .description('score a snapshot against a learned profile and write one self-contained HTML report')
    .argument('<snapshot-dir>', 'e.g. snapshots/baseline-45d')
    .requiredOption('--profile <file>', 'the profile learned from production')
    .option('--out <file>', 'the HTML report to write', 'report.html')
    .addOption(
      new Option('--backend <backend>', 'where to restore the snapshot')
        .choices(['postgres', 'pglite'])
        .default('postgres'),
    )
    .option(
      '--database-url <url>',
      'postgres backend: a server to restore on (the tool creates and drops its own sim_ database)',
      DEFAULT_SERVER,
    )
    .option('--min-score <x>', 'exit 5 when the overall score is below x (0-1)', decimal('--min-score'))
    .option(
      '--ceiling-profile <file>',
      'a second draw of the same source, to print the finite-sample ceiling next to each score',
    )
    .option('--allow-schema-drift', 'score a profile learned from another schema; the differences are printed')
    .action(async (dir: string, o) => {
      const spec = await learnSpec(o);
      const r = await reportSnapshot(spec, {
        snapshotDir: dir,
        profileFile: o.profile,
        out: o.out,
        backend: o.backend,
        databaseUrl: o.databaseUrl,
        minScore: o.minScore,
        ceilingProfileFile: o.ceilingProfile,
        allowSchemaDrift: !!o.allowSchemaDrift,
        log: (line) => process.stderr.write(line + '\n'),
      });
      process.stdout.write(r.summary);
      if (r.belowMinimum) process.exitCode = 5;
    });
}
