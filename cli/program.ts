import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { generate } from '../engine/run/generate.ts';
import { readSnapshot } from '../engine/snapshot/snapshot-files.ts';
import { diffSnapshots, formatDiff } from '../engine/snapshot/diff-snapshots.ts';
import { checkSnapshots } from '../engine/commands/check-snapshots.ts';
import { verifySnapshot } from '../engine/commands/verify-snapshot.ts';
import { cleanContainers } from '../engine/commands/clean-containers.ts';
import { cleanDatabases } from '../engine/commands/clean-databases.ts';
import { restoreToServer } from '../engine/snapshot/restore-server.ts';
import {
  displayPath,
  loadBinding,
  loadConfig,
  loadLearn,
  pickApp,
  type LoadedConfig,
  type ResolvedApp,
} from '../engine/config/sim-config.ts';
import { commandFor } from './command-for.ts';
import { initProject } from './init-project.ts';
import { addLearnCommands } from './learn-commands.ts';
import { resolveScenario } from './resolve-scenario.ts';
import { UsageError } from './usage-error.ts';

const int =
  (name: string, min = 0) =>
  (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min) {
      throw new InvalidArgumentError(
        `${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got '${v}'`,
      );
    }
    return Number(v);
  };

/** A share of a whole: above 0, at most 1. */
const share = (v: string) => {
  const x = Number(v);
  if (!/^\d*\.?\d+(e-?\d+)?$/.test(v) || !(x > 0 && x <= 1)) {
    throw new InvalidArgumentError(`expected a number above 0 and at most 1, like 0.01, got '${v}'`);
  }
  return x;
};

/** `0,15,30` -> [0, 15, 30]; `none` -> [] (ignores the scenario's checkpoints). */
const days = (v: string) => {
  if (v === 'none') return [];
  if (!/^\d+(,\d+)*$/.test(v)) throw new InvalidArgumentError(`expected window days like 0,15,30 or none, got '${v}'`);
  return v.split(',').map(Number);
};

const EXIT_CODES = `
Exit codes:
  0 ok   1 unexpected error   2 usage or scenario error   3 safety refusal
  4 unstubbed egress   5 integrity (hash, stale snapshot, non-determinism, clock leak)
  6 output directory locked   130/143 interrupted (SIGINT/SIGTERM)`;

const BACKENDS = ['pglite', 'postgres', 'docker'] as const;
const USAGE_HINT = '(run sim <command> --help for usage)';

interface AppOptions {
  app?: string;
  config?: string;
}

/** The config, the app a command works on and its binding. */
async function appContext(o: AppOptions): Promise<{ config: LoadedConfig; app: ResolvedApp }> {
  const config = await loadConfig({ cwd: process.cwd(), file: o.config });
  return { config, app: pickApp(config, o.app) };
}

/** The `sim` program: thin, every command calls an engine function. */
export function buildProgram(): Command {
  const program = new Command('sim')
    .description('facade-sim: production-shaped PostgreSQL snapshots that were never production data')
    .showHelpAfterError(USAGE_HINT)
    .addHelpText('after', EXIT_CODES)
    // Set before any command is added: subcommands copy these settings when they are created.
    .exitOverride()
    .configureHelp({ sortOptions: false });
  const appOptions = (cmd: Command) =>
    cmd
      .option('--app <name>', 'which app of sim.config.ts (default: the first)')
      .option('--config <file>', 'the config file (default: sim.config.ts here or in a folder above)');

  appOptions(
    program
      .command('generate')
      .description('simulate a scenario through the app facade and write <snapshots>/<scenario>/')
      .argument('[scenario]', "scenario name or YAML file (default: the app's defaultScenario)"),
  )
    .option('--days <n>', "simulated days (default: the scenario file's days)", int('--days', 1))
    .option('--seed <seed>', "seed (default: the scenario file's seed)")
    .option('--out <dir>', "snapshots folder (default: the app's, from sim.config.ts)")
    .option('--profile <file>', "calibrate the scenario from a learned profile (default: the scenario's profile)")
    .option('--profile-scale <x>', 'with --profile: tenants and arrivals as this share of production (0-1]', share)
    .addOption(new Option('--backend <backend>', 'where the database lives').choices(BACKENDS).default('pglite'))
    .option('--database-url <url>', 'postgres backend: a server you own; the run creates its own sim_ database there')
    .option('--allow-remote-host <host...>', 'allow a non-loopback database host, by exact name')
    .option(
      '--workers <n>',
      'simulation processes, each with a share of the tenants (same bytes for any n)',
      int('--workers', 1),
    )
    .option(
      '--checkpoints <days>',
      "also write the state at these window days, e.g. 0,15,30 (default: the scenario's)",
      days,
    )
    .option('--max-events <n>', 'abort after this many events', int('--max-events', 1))
    .option(
      '--max-rows <n>',
      'refuse before the run a scenario estimated to write more rows (default 50000000)',
      int('--max-rows', 1),
    )
    .option(
      '--chaos-latency-ms <n>',
      'inject random real-time latency up to n ms into database and vendor calls',
      int('--chaos-latency-ms'),
    )
    .option('--strict-random', 'fail if app code calls Math.random or crypto.randomUUID during the run')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string | undefined, o) => {
      if (o.profileScale !== undefined && !o.profile) throw new UsageError('--profile-scale needs --profile <file>');
      const { config, app } = await appContext(o);
      const binding = await loadBinding(app);
      await generate(binding, {
        bindingModule: app.bindingModule,
        projectRoot: app.projectRoot,
        app: app.name,
        scenarioFile: resolveScenario(scenario ?? app.defaultScenario, app, config),
        seed: o.seed,
        days: o.days,
        profile: o.profile ? { file: resolve(o.profile), scale: o.profileScale ?? 1 } : undefined,
        loadLearn: () => loadLearn(app),
        outDir: o.out ?? app.snapshotsDir,
        backend: o.backend,
        workers: o.workers,
        checkpoints: o.checkpoints,
        databaseUrl: o.databaseUrl,
        allowRemoteHosts: o.allowRemoteHost,
        maxEvents: o.maxEvents,
        maxRows: o.maxRows,
        chaosLatencyMs: o.chaosLatencyMs,
        strictRandom: o.strictRandom,
        quiet: o.quiet,
        reproduce: (args) => commandFor('generate', args, { app, config }),
      });
    });

  program
    .command('restore')
    .description("verify a snapshot and restore it into a new database of its own; prints that database's URL last")
    .argument('<snapshot-dir>', 'e.g. snapshots/baseline-45d')
    .option(
      '--database-url <url>',
      'server to restore on (its own database is never written)',
      'postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option('--allow-remote-host <host...>', 'allow a non-loopback database host, by exact name')
    .addOption(
      new Option('--backend <backend>', 'where to restore').choices(['postgres', 'docker']).default('postgres'),
    )
    .action(async (dir: string, o) => {
      if (o.backend === 'docker') {
        const { restoreToDocker } = await import('../engine/snapshot/restore-docker.ts');
        const r = await restoreToDocker(dir);
        process.stderr.write(`restored ${dir} into container ${r.containerId.slice(0, 12)} (left running)\n`);
        process.stdout.write(`${r.url}\n`);
        return;
      }
      const r = await restoreToServer(dir, o.databaseUrl, { allowRemoteHosts: o.allowRemoteHost });
      process.stderr.write(`restored ${dir} into ${r.name}\n`);
      process.stdout.write(`${r.url}\n`);
    });

  program
    .command('clean')
    .description(
      'drop the sim_ databases, and remove the containers and data volumes, of runs whose process is gone ' +
        '(a killed run can leave them behind)',
    )
    .option(
      '--database-url <url>',
      'server to clean (its own database is never dropped)',
      'postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option('--allow-remote-host <host...>', 'allow a non-loopback database host, by exact name')
    .option('--dry-run', 'list what would be dropped or removed; change nothing')
    .action(async (o) => {
      const log = (line: string) => process.stderr.write(line + '\n');
      const containers = await cleanContainers({ dryRun: o.dryRun, log });
      for (const c of containers ?? []) {
        process.stdout.write(`${c.action} ${c.kind} ${c.name} (owner pid ${c.ownerPid} on ${c.ownerHost} is gone)\n`);
      }
      if (containers) {
        log(`${containers.length} container(s) and volume(s) ${o.dryRun ? 'would be removed' : 'removed'}`);
      }
      const cleaned = await cleanDatabases(o.databaseUrl, {
        dryRun: o.dryRun,
        allowRemoteHosts: o.allowRemoteHost,
        log,
      });
      for (const c of cleaned) {
        process.stdout.write(
          `${c.action} ${c.name} (${c.purpose}; owner pid ${c.ownerPid} on ${c.ownerHost} is gone)\n`,
        );
      }
      log(`${cleaned.length} database(s) ${o.dryRun ? 'would be dropped' : 'dropped'}`);
    });

  appOptions(
    program
      .command('verify')
      .description('regenerate each snapshot in a fresh database and compare bytes (exit 5 on any difference)')
      .argument('[snapshot-dirs...]', "snapshot directories (default: every one in the app's snapshots folder)"),
  )
    .addOption(new Option('--backend <backend>', 'where to regenerate').choices(BACKENDS).default('pglite'))
    .option('--database-url <url>', 'postgres backend: a server you own')
    .option('--allow-remote-host <host...>', 'allow a non-loopback database host, by exact name')
    .option('--workers <n>', 'simulation processes (the bytes must not depend on it)', int('--workers', 1))
    .action(async (dirs: string[], o) => {
      const { config, app } = await appContext(o);
      const binding = await loadBinding(app);
      const regenerate = (name: string, args: string[]) => commandFor('generate', [name, ...args], { app, config });
      const list = dirs.length ? dirs : (await checkSnapshots(binding, app, regenerate)).fresh;
      for (const dir of list) {
        await verifySnapshot(binding, app, dir, {
          backend: o.backend,
          databaseUrl: o.databaseUrl,
          allowRemoteHosts: o.allowRemoteHost,
          workers: o.workers,
        });
        process.stdout.write(`ok ${dir}: regenerated bytes identical\n`);
      }
    });

  appOptions(
    program
      .command('check')
      .description(
        "exit 5 when a committed snapshot is stale (schema, scenario or generator changed); every app's unless --app",
      ),
  ).action(async (o) => {
    const config = await loadConfig({ cwd: process.cwd(), file: o.config });
    const apps = o.app ? [pickApp(config, o.app)] : config.apps;
    let staleCount = 0;
    for (const app of apps) {
      const binding = await loadBinding(app);
      const regenerate = (name: string, args: string[]) => commandFor('generate', [name, ...args], { app, config });
      const { fresh, stale } = await checkSnapshots(binding, app, regenerate);
      for (const f of fresh) process.stdout.write(`fresh ${displayPath(f)}\n`);
      for (const s of stale) {
        process.stdout.write(`STALE ${displayPath(s.dir)}: ${s.reasons.join('; ')}\n  regenerate: ${s.regenerate}\n`);
      }
      staleCount += stale.length;
    }
    if (staleCount) {
      process.stdout.write(`${staleCount} stale snapshot(s); regenerate and commit them.\n`);
      process.exitCode = 5;
    }
  });

  appOptions(
    program
      .command('diff')
      .description('summarise what changed between two snapshots: row counts, tenants, distribution shifts')
      .argument('<old>', 'old snapshot directory')
      .argument('<new>', 'new snapshot directory'),
  ).action(async (a: string, b: string, o) => {
    const { app } = await appContext(o);
    const binding = await loadBinding(app);
    const sa = readSnapshot(a);
    const sb = readSnapshot(b);
    const diff = diffSnapshots(sa.dumpText, sb.dumpText, sa.manifest, sb.manifest, binding.tenantKey);
    process.stdout.write(formatDiff(diff) + '\n');
    if (!binding.tenantKey) {
      process.stdout.write(`  (no tenant summary: app '${app.name}' declares no tenantKey in its binding)\n`);
    }
  });

  program
    .command('init')
    .description(
      'set up facade-sim in a drizzle project: sim.config.ts, a binding with one actor and one vendor stub, a scenario',
    )
    .option('--schema <file>', 'the drizzle schema module (default: from drizzle.config.*)')
    .option('--migrations <folder>', "drizzle-kit's migrations folder (default: from drizzle.config.*, else ./drizzle)")
    .action((o: { schema?: string; migrations?: string }) => {
      const written = initProject({ cwd: process.cwd(), ...o });
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      process.stdout.write('next: npx sim generate   (then commit sim/snapshots/; CI runs npx sim check)\n');
    });

  addLearnCommands(program, appOptions, async (o) => {
    const { app } = await appContext(o);
    return (await loadLearn(app)).learn.spec;
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const e = error as Error & { exitCode?: number; code?: string };
    if (e.code?.startsWith('commander.')) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return 0;
      }
      return 2;
    }
    const code = typeof e.exitCode === 'number' ? e.exitCode : 1;
    process.stderr.write(`sim: ${code === 1 ? (e.stack ?? e.message) : e.message}\n`);
    // A usage error found after parsing reads like one commander found: with the same hint.
    if (error instanceof UsageError) process.stderr.write(`${USAGE_HINT}\n`);
    return code;
  }
}
