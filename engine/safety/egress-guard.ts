import { createRequire, syncBuiltinESMExports } from 'node:module';
import { EgressError } from './safety-error.ts';

const require = createRequire(import.meta.url);
// The CommonJS module objects are the ones ESM namespace imports read through, so patching them
// reaches callers that imported `node:net` or `node:child_process` either way.
const net = require('node:net') as typeof import('node:net');
const dns = require('node:dns') as typeof import('node:dns');
const childProcess = require('node:child_process') as typeof import('node:child_process');

export type EgressAllow = { host: string; port: number } | { path: string };

export interface EgressGuard {
  attempts: { destination: string; via: string }[];
  assertClean(): void;
  uninstall(): void;
}

const CHILD_FUNCTIONS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/**
 * MSW sees global fetch and node:http only; undici, http2, raw sockets and child processes go
 * around it (measured: 4 of 7 transports reached a canary silently). This guard sits under all
 * of them: every socket connect, DNS lookup and child process is refused unless it is the
 * database. Attempts are recorded even when the caller swallows the error.
 */
export function installEgressGuard(options: { allow: EgressAllow[] }): EgressGuard {
  const attempts: EgressGuard['attempts'] = [];
  const allowed = (host: string | undefined, port: number | undefined, path: string | undefined) =>
    options.allow.some((a) =>
      'path' in a ? path === a.path : (a.host === host || (isLocal(a.host) && isLocal(host))) && a.port === port,
    );
  const refuse = (destination: string, via: string): EgressError => {
    attempts.push({ destination, via });
    return new EgressError(destination, via);
  };

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: import('node:net').Socket, ...args: any[]) {
    // net.connect() passes its normalised [options, callback] array; direct calls pass options or (port, host).
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const second = Array.isArray(args[0]) ? undefined : args[1];
    let host: string | undefined;
    let port: number | undefined;
    let path: string | undefined;
    if (typeof first === 'object' && first !== null) {
      path = first.path;
      host = first.host ?? 'localhost';
      port = first.port !== undefined ? Number(first.port) : undefined;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) path = first;
    else {
      port = Number(first);
      host = typeof second === 'string' ? second : 'localhost';
    }
    if (!allowed(host, port, path)) {
      // Thrown, not emitted later: a socket that never reports "connecting" looks connected to
      // http2, which would announce a session that does not exist.
      throw refuse(path ?? `${host}:${port}`, 'socket');
    }
    return (originalConnect as any).apply(this, args);
  } as any;

  const originalLookup = dns.lookup;
  (dns as any).lookup = (hostname: string, ...rest: any[]) => {
    if (!options.allow.some((a) => 'host' in a && (a.host === hostname || (isLocal(a.host) && isLocal(hostname))))) {
      const callback = rest[rest.length - 1];
      const error = refuse(hostname, 'dns');
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      return {};
    }
    return (originalLookup as any)(hostname, ...rest);
  };
  const originalPromisesLookup = dns.promises.lookup;
  (dns.promises as any).lookup = async (hostname: string, ...rest: any[]) => {
    if (!options.allow.some((a) => 'host' in a && (a.host === hostname || (isLocal(a.host) && isLocal(hostname))))) {
      throw refuse(hostname, 'dns');
    }
    return (originalPromisesLookup as any)(hostname, ...rest);
  };

  const originalChild = Object.fromEntries(CHILD_FUNCTIONS.map((f) => [f, childProcess[f]])) as Record<string, unknown>;
  for (const f of CHILD_FUNCTIONS) {
    (childProcess as any)[f] = (command: string) => {
      throw refuse(`${f}(${String(command).slice(0, 60)})`, 'child_process');
    };
  }

  // ESM `import { spawn } from 'node:child_process'` bindings only see the patch after this.
  syncBuiltinESMExports();

  return {
    attempts,
    assertClean() {
      const first = attempts[0];
      if (first) throw new EgressError(first.destination, first.via);
    },
    uninstall() {
      net.Socket.prototype.connect = originalConnect;
      (dns as any).lookup = originalLookup;
      (dns.promises as any).lookup = originalPromisesLookup;
      for (const f of CHILD_FUNCTIONS) (childProcess as any)[f] = originalChild[f];
      syncBuiltinESMExports();
    },
  };
}

/**
 * What the guard lets through for a database server (as parseServerUrl reads its URL): its TCP
 * host and port or, for a server reached over a Unix socket (`?host=/var/run/postgresql`), the
 * socket file libpq and node-postgres connect to. The run's own connection is open before the
 * guard goes up, but an interrupt's cleanup opens a new one to drop the run's database.
 */
export function databaseEgress(target: { host: string; port: number }): EgressAllow {
  return target.host.startsWith('/')
    ? { path: `${target.host.replace(/\/$/, '')}/.s.PGSQL.${target.port}` }
    : { host: target.host, port: target.port };
}

function isLocal(host: string | undefined): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '::ffff:127.0.0.1';
}
