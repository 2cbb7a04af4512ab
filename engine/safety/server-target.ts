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

// The only query parameter a URL may carry: libpq and node-postgres read others differently
// (hostaddr= replaces the host libpq connects to, options= and service= change the session or
// the target), so a guard that checked the host would not be checking where the connection goes.
const QUERY_PARAMETERS = new Set(['host']);

/**
 * Parses an explicit server URL as libpq would, or refuses it. Remote hosts are refused unless
 * allowed by exact name: a production DSN pasted into a test config is the incident this tool
 * exists to prevent. Anything libpq and node-postgres could read two ways is refused too: a host
 * list (libpq tries each of `a,b` in turn; node-postgres takes the text whole), a repeated or
 * unknown query parameter, a host in brackets that is not an IPv6 address.
 */
export function parseServerUrl(url: string, options: { allowRemoteHosts?: string[] } = {}): ServerTarget {
  const shown = url.replace(/:[^:@/]*@/, ':***@');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SafetyError('url', `'${shown}' is not a postgres:// URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new SafetyError('url', `expected a postgres:// URL, got ${u.protocol}`);
  }
  const keys = [...u.searchParams.keys()];
  const unknown = keys.find((k) => !QUERY_PARAMETERS.has(k));
  if (unknown !== undefined) {
    throw new SafetyError('url', `'${shown}': the query parameter '${unknown}' is not accepted (only host=)`);
  }
  if (keys.length !== new Set(keys).size) {
    throw new SafetyError('url', `'${shown}' names host= more than once; give exactly one host`);
  }
  const query = u.searchParams.get('host');
  const authority = decodeURIComponent(u.hostname);
  if (query !== null && authority !== '' && authority !== 'localhost') {
    throw new SafetyError('url', `'${shown}' names a host twice (${authority} and host=${query}); give exactly one`);
  }
  let host = (query ?? authority) || 'localhost';
  if (/[,\s]/.test(host) || /,/.test(u.port) || /,/.test(decodeURIComponent(u.host))) {
    throw new SafetyError(
      'multi-host',
      `'${shown}' lists several hosts; libpq would try each in turn, so the tool refuses host lists: give one host`,
    );
  }
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    if (!host.endsWith(']') || isIP(inner) !== 6) {
      throw new SafetyError('url', `'${shown}': ${host} is not an IPv6 address`);
    }
    // What libpq and node-postgres connect to: the address, without the URL's brackets.
    host = inner;
  }
  if (!LOOPBACK(host) && !containerHosts.has(host) && !(options.allowRemoteHosts ?? []).includes(host)) {
    throw new SafetyError(
      'remote-host',
      `${host} is not a loopback host; only local or container servers are used unless you pass ` +
        `--allow-remote-host ${host}`,
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
  const client = explicitPgClient({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password ?? '',
    database,
    application_name: 'facade-sim',
    ssl: false,
  });
  // An idle client whose server goes away (an interrupted docker run stops its container) emits
  // 'error'; unheard, that crashes the process with exit 1 instead of the interrupt's 130. The
  // failure still reaches whoever awaits a query on it.
  client.on('error', () => {});
  return client;
}

/**
 * A node-postgres client that reads nothing from the environment. node-postgres fills every
 * parameter left empty from a PG* variable (PGOPTIONS, PGSSLMODE, PGREPLICATION, PGPASSWORD…),
 * and an empty string counts as left empty; it reads them in the constructor, so they are hidden
 * for that instant. The password is a function so that an empty one does not send the client to
 * PGPASSFILE either.
 */
export function explicitPgClient(config: pg.ClientConfig): pg.Client {
  const hidden = Object.keys(process.env).filter((k) => k.startsWith('PG'));
  const saved = hidden.map((k) => [k, process.env[k]] as const);
  for (const k of hidden) delete process.env[k];
  try {
    const password = typeof config.password === 'string' ? config.password : '';
    return new pg.Client({ ...config, password: () => password });
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

export { AMBIENT as AMBIENT_PG_VARIABLES };
