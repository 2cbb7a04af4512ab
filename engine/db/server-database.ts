import { spawn } from 'node:child_process';
import pg from 'pg';
import { DUMP_SESSION_SQL } from './introspect.ts';
import { sleepReal, type EngineKind, type LatencyFn, type SimDatabase } from './sim-database.ts';

/** Ends each table's COPY text in copyOut: a backslash before 's' is none of COPY's escapes, so no data line can equal it. */
const COPY_END = '\\sim-end-of-copy';

/** Cuts psql's output at each COPY_END line (a whole line, so an escaped `\\sim…` inside data never matches). */
export function splitCopyOutputs(out: string, count: number): string[] {
  const marker = `${COPY_END}\n`;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = out.startsWith(marker, start) ? start : out.indexOf(`\n${marker}`, start) + 1 || -1;
    if (end < 0) throw new Error(`psql printed ${i} of ${count} COPY outputs`);
    parts.push(out.slice(start, end));
    start = end + marker.length;
  }
  if (start !== out.length) throw new Error(`psql printed more than the ${count} COPY outputs asked for`);
  return parts;
}

/** Runs a PostgreSQL client tool (pg_dump/psql) and returns stdout; how depends on the engine (host PATH or inside a container). */
export type ToolRunner = (argv: string[], stdin?: string) => Promise<string>;

export function hostToolRunner(env: NodeJS.ProcessEnv): ToolRunner {
  return (argv, stdin) =>
    new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => err.push(d));
      child.on('error', (e) =>
        reject(
          new Error(`${argv[0]} could not start (${e.message}); install the PostgreSQL client tools so it is on PATH`),
        ),
      );
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new Error(`${argv[0]} exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
      });
      child.stdin.end(stdin ?? '');
    });
}

export async function openServerDatabase(options: {
  engine: EngineKind;
  url: string;
  tools: ToolRunner;
  latencyMs?: LatencyFn;
  onClose?: () => Promise<void>;
  location?: string;
}): Promise<SimDatabase> {
  // A single connection: one writer keeps sequence values and row order deterministic.
  const client = new pg.Client({ connectionString: options.url, application_name: 'facade-sim' });
  await client.connect();
  // A lost connection (the server went away, or an interrupt is dropping this database) fails the
  // pending and next query with its own error; without a listener it would crash the process.
  client.on('error', () => {});
  // A run's database is disposable (a crash means a rerun, never data loss), so commits need not
  // wait for the WAL flush: the same rows, several times faster on a server with fsync on.
  await client.query(`SET timezone = 'UTC'; SET synchronous_commit = off`);
  if (options.latencyMs) {
    const latency = options.latencyMs;
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as any).query = async (...args: unknown[]) => {
      await sleepReal(latency());
      return original(...args);
    };
  }
  const psql = (sql: string[]) =>
    options.tools([
      'psql',
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      options.url,
      ...sql.flatMap((s) => ['-c', s]),
    ]);
  return {
    engine: options.engine,
    url: options.url,
    location: options.location,
    driver: client,
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params as any[])).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyOut(selects: string[]) {
      // One psql for every table (starting one takes 0.07-0.11 s here); psql's quoted \echo argument needs the backslash doubled.
      const echo = `\\echo '${COPY_END.replace(/\\/g, '\\\\')}'`;
      return splitCopyOutputs(
        await psql([DUMP_SESSION_SQL, ...selects.flatMap((s) => [`COPY (${s}) TO STDOUT`, echo])]),
        selects.length,
      );
    },
    async dumpSchema() {
      return options.tools([
        'pg_dump',
        '--schema-only',
        '--no-owner',
        '--no-privileges',
        '--no-tablespaces',
        '--exclude-schema=sim_meta',
        '-d',
        options.url,
      ]);
    },
    async versions() {
      const row = (await client.query(`SELECT current_setting('server_version') AS v`)).rows[0];
      const pgDump = (await options.tools(['pg_dump', '--version'])).trim();
      return { postgres: `PostgreSQL ${row.v}`, pgDump };
    },
    async close() {
      await client.end();
      await options.onClose?.();
    },
  };
}
