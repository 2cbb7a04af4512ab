import { isIP } from 'node:net';
import pg from 'pg';
import { SafetyError } from './safety-error.ts';

export interface ServerTarget {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

const LOOPBACK = (host: string) =>
  host === 'localhost' ||
  host.startsWith('/') ||
  host === '::1' ||
  host === '[::1]' ||
  (isIP(host) === 4 && host.startsWith('127.'));

const containerHosts = new Set<string>();

/**
 * Trusts the host of a container this run started. testcontainers maps ports on the Docker bridge
 * gateway (172.17.0.1), not localhost, when the tests themselves run inside a container, and that
 * is still our own throwaway server, not someone's production database.
 */
export function trustContainerHost(host: string): void {
  containerHosts.add(host);
}

/**
 * Parses an explicit server URL. Remote hosts are refused unless allowed by exact name: a
 * production DSN pasted into a test config is the incident this tool exists to prevent.
 */
export function parseServerUrl(url: string, options: { allowRemoteHosts?: string[] } = {}): ServerTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SafetyError('url', `'${url.replace(/:[^:@/]*@/, ':***@')}' is not a postgres:// URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new SafetyError('url', `expected a postgres:// URL, got ${u.protocol}`);
  }
  const host = decodeURIComponent(u.searchParams.get('host') ?? u.hostname) || 'localhost';
  if (!LOOPBACK(host) && !containerHosts.has(host) && !(options.allowRemoteHosts ?? []).includes(host)) {
    throw new SafetyError(
      'remote-host',
      `${host} is not a loopback host; only local or container servers are used unless you pass --allow-remote-host ${host}`,
    );
  }
  return {
    host,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

export function serverUrl(t: ServerTarget, database: string): string {
  const auth = encodeURIComponent(t.user) + (t.password ? ':' + encodeURIComponent(t.password) : '');
  const host = t.host.startsWith('/') ? `localhost` : t.host.includes(':') ? `[${t.host}]` : t.host;
  const q = t.host.startsWith('/') ? `?host=${encodeURIComponent(t.host)}` : '';
  return `postgres://${auth}@${host}:${t.port}/${encodeURIComponent(database)}${q}`;
}

/** PG* variables that would silently redirect a connection or a child psql/pg_dump. PGTZ stays. */
const AMBIENT = [
  'PGHOST',
  'PGHOSTADDR',
  'PGPORT',
  'PGDATABASE',
  'PGUSER',
  'PGPASSWORD',
  'PGPASSFILE',
  'PGSERVICE',
  'PGSERVICEFILE',
  'PGOPTIONS',
  'PGSSLMODE',
  'PGAPPNAME',
  'PGTARGETSESSIONATTRS',
  'PGSYSCONFDIR',
  'PGCONNECT_TIMEOUT',
];

export function cleanPgEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!(k.startsWith('PG') && k !== 'PGTZ')) out[k] = v;
  return out;
}

/** Connections are built from explicit parameters only; ambient PG* variables never choose the target. */
export function connectExplicit(t: ServerTarget, database: string): pg.Client {
  const client = new pg.Client({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password ?? '',
    database,
    application_name: 'facade-sim',
  });
  // An idle client whose server goes away (an interrupted docker run stops its container) emits
  // 'error'; unheard, that crashes the process with exit 1 instead of the interrupt's 130. The
  // failure still reaches whoever awaits a query on it.
  client.on('error', () => {});
  return client;
}

export { AMBIENT as AMBIENT_PG_VARIABLES };
