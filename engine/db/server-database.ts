import { spawn } from 'node:child_process';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { DUMP_SESSION_SQL } from './introspect.ts';
import { nameStatements } from './server-statements.ts';
import { explicitPgClient } from '../safety/server-target.ts';

const copyTo = copyStreams.to;
import { sleepReal, type Backend, type LatencyFn, type SimDatabase } from './sim-database.ts';

/**
 * Runs a PostgreSQL client tool (pg_dump/psql) and returns stdout; how depends on the engine (host PATH or inside a
 * container).
 */
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

/**
 * The run's database on a server, through one connection. Everything goes through the driver
 * (COPY included, via pg-copy-streams), so a sandboxed simulation needs no client tools; pg_dump
 * for the schema runs in the parent process, with `tools` (see schemaDump).
 */
export async function openServerDatabase(options: {
  backend: Backend;
  url: string;
  latencyMs?: LatencyFn;
  onClose?: () => Promise<void>;
  location?: string;
  tools?: ToolRunner;
}): Promise<SimDatabase> {
  // A single connection: one writer keeps sequence values and row order deterministic.
  const client = explicitPgClient({ ...explicitConnection(options.url), application_name: 'facade-sim' });
  await client.connect();
  // A lost connection (the server went away, or an interrupt is dropping this database) fails the
  // pending and next query with its own error; without a listener it would crash the process.
  client.on('error', () => {});
  // A run's database is disposable (a crash means a rerun, never data loss), so commits need not
  // wait for the WAL flush: the same rows, several times faster on a server with fsync on.
  await client.query(`SET timezone = 'UTC'; SET synchronous_commit = off`);
  nameStatements(client);
  if (options.latencyMs) {
    const latency = options.latencyMs;
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as any).query = async (...args: unknown[]) => {
      await sleepReal(latency());
      return original(...args);
    };
  }
  const tools = options.tools;
  return {
    backend: options.backend,
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
      await client.query(DUMP_SESSION_SQL);
      const texts: string[] = [];
      for (const select of selects) texts.push(await copyText(client, `COPY (${select}) TO STDOUT`));
      await client.query('RESET search_path');
      return texts;
    },
    dumpSchema: tools ? () => schemaDump(tools, options.url) : undefined,
    async versions() {
      const row = (await client.query(`SELECT current_setting('server_version') AS v`)).rows[0];
      const pgDump = tools ? (await tools(['pg_dump', '--version'])).trim() : undefined;
      return { postgres: `PostgreSQL ${row.v}`, ...(pgDump ? { pgDump } : {}) };
    },
    async close() {
      await client.end();
      await options.onClose?.();
    },
  };
}

/** pg_dump's schema of a database, as the canonical dump starts from it. */
export function schemaDump(tools: ToolRunner, url: string): Promise<string> {
  const args = ['--schema-only', '--no-owner', '--no-privileges', '--no-tablespaces', '--exclude-schema=sim_meta'];
  return tools(['pg_dump', ...args, '-d', url]);
}

async function copyText(client: pg.Client, statement: string): Promise<string> {
  const stream = client.query(copyTo(statement));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** node-postgres fills what a URL leaves out from PG* variables; every parameter is given here instead. */
function explicitConnection(url: string): pg.ClientConfig {
  const u = new URL(url);
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname).replace(/^\[|\]$/g, '');
  return {
    host: host || 'localhost',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    ssl: false,
    options: '',
  };
}
