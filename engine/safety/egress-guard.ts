import { createRequire, syncBuiltinESMExports } from 'node:module';
import { EgressError } from './safety-error.ts';

const require = createRequire(import.meta.url);
// The CommonJS module objects are the ones ESM namespace imports (and process.getBuiltinModule)
// read through, so patching them reaches callers that imported the modules either way.
const net = require('node:net') as typeof import('node:net');
const dns = require('node:dns') as typeof import('node:dns');
const dgram = require('node:dgram') as typeof import('node:dgram');
const http = require('node:http') as typeof import('node:http');
const https = require('node:https') as typeof import('node:https');
const childProcess = require('node:child_process') as typeof import('node:child_process');
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');

export type EgressAllow = { host: string; port: number } | { path: string };

export interface EgressGuard {
  attempts: { destination: string; via: string }[];
  assertClean(): void;
  uninstall(): void;
}

const CHILD_FUNCTIONS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
// Every query method of dns and dns.promises, their Resolver classes included: c-ares sends its
// own UDP packets to the configured name servers, under no socket this guard would see.
const RESOLVER_METHODS = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
] as const;
const LOOKUP_METHODS = ['lookup', 'lookupService'] as const;
// The only native binding the sandboxed process may ask for (PGlite's file system wants it).
const BINDINGS_ALLOWED = new Set(['constants']);

type Patch = { target: object; key: string; original: unknown };

/**
 * MSW sees global fetch and node:http only; undici, http2, raw sockets, UDP, resolvers and child
 * processes go around it (measured: 4 of 7 transports reached a canary silently). This guard sits
 * under all of them: every socket connect, UDP send, DNS query, child process, worker and native
 * binding is refused unless it is the database. Attempts are recorded even when the caller
 * swallows the error, and the run fails on them (exit 4).
 */
export function installEgressGuard(options: { allow: EgressAllow[] }): EgressGuard {
  const attempts: EgressGuard['attempts'] = [];
  const allowedHost = (host: string | undefined) =>
    options.allow.some((a) => 'host' in a && (a.host === host || (isLocal(a.host) && isLocal(host))));
  const allowed = (host: string | undefined, port: number | undefined, path: string | undefined) =>
    options.allow.some((a) =>
      'path' in a ? path === a.path : (a.host === host || (isLocal(a.host) && isLocal(host))) && a.port === port,
    );
  const refuse = (destination: string, via: string): EgressError => {
    attempts.push({ destination, via });
    return new EgressError(destination, via);
  };
  const patches: Patch[] = [];
  const patch = (target: object, key: string, replacement: (original: any) => unknown) => {
    const original = (target as any)[key];
    if (typeof original !== 'function') return;
    patches.push({ target, key, original });
    (target as any)[key] = replacement(original);
  };

  patch(
    net.Socket.prototype,
    'connect',
    (original) =>
      function (this: import('node:net').Socket, ...args: any[]) {
        const { host, port, path } = socketDestination(args);
        if (!allowed(host, port, path)) {
          // Thrown, not emitted later: a socket that never reports "connecting" looks connected to
          // http2, which would announce a session that does not exist.
          throw refuse(path ?? `${host}:${port}`, 'socket');
        }
        return original.apply(this, args);
      },
  );
  // Agents reach the socket above anyway; refusing here names the transport and fails before a
  // keep-alive pool or a proxy agent could hold a socket the guard never saw being made.
  for (const [agent, via] of [
    [http.Agent.prototype, 'http agent'],
    [https.Agent.prototype, 'https agent'],
  ] as const) {
    patch(
      agent,
      'createConnection',
      (original) =>
        function (this: unknown, ...args: any[]) {
          const o = (args[0] ?? {}) as {
            host?: string;
            hostname?: string;
            port?: number | string;
            socketPath?: string;
          };
          const host = o.host ?? o.hostname ?? 'localhost';
          const port = o.port !== undefined ? Number(o.port) : via === 'http agent' ? 80 : 443;
          if (!allowed(host, port, o.socketPath)) throw refuse(o.socketPath ?? `${host}:${port}`, via);
          return original.apply(this, args);
        },
    );
  }

  for (const key of ['send', 'connect'] as const) {
    patch(
      dgram.Socket.prototype,
      key,
      () =>
        function (...args: any[]) {
          // send(msg, [offset, length,] port, address) or connect(port, address): no UDP is allowed.
          const numbers = args.filter((a) => typeof a === 'number');
          const address = args.find((a, i) => i > 0 && typeof a === 'string') ?? 'localhost';
          throw refuse(`udp ${address}:${numbers[numbers.length - 1] ?? '?'}`, `dgram.${key}`);
        },
    );
  }

  const guardLookup = (via: string, promised: boolean) => (original: any) =>
    function (this: unknown, hostname: string, ...rest: any[]) {
      if (allowedHost(hostname)) return original.call(this, hostname, ...rest);
      const error = refuse(String(hostname), via);
      if (promised) return Promise.reject(error);
      const callback = rest[rest.length - 1];
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      return {};
    };
  const guardQuery = (via: string, promised: boolean) => () =>
    function (this: unknown, name: unknown, ...rest: any[]) {
      const error = refuse(String(name), via);
      if (promised) return Promise.reject(error);
      const callback = rest[rest.length - 1];
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      return {};
    };
  for (const [target, prefix, promised] of [
    [dns, 'dns', false],
    [dns.Resolver.prototype, 'dns.Resolver', false],
    [dns.promises, 'dns.promises', true],
    [dns.promises.Resolver.prototype, 'dns.promises.Resolver', true],
  ] as const) {
    for (const key of LOOKUP_METHODS) patch(target, key, guardLookup(`${prefix}.${key}`, promised));
    for (const key of RESOLVER_METHODS) patch(target, key, guardQuery(`${prefix}.${key}`, promised));
  }

  for (const f of CHILD_FUNCTIONS) {
    patch(childProcess, f, () => (command: unknown) => {
      throw refuse(`${f}(${String(command).slice(0, 60)})`, 'child_process');
    });
  }
  patch(childProcess.ChildProcess.prototype, 'spawn', () => (options: { file?: string } | undefined) => {
    throw refuse(`ChildProcess.spawn(${String(options?.file).slice(0, 60)})`, 'child_process');
  });
  // A worker is a new isolate: it would start without this guard.
  patch(workerThreads, 'Worker', () => {
    const refused = function Worker(filename: unknown) {
      throw refuse(`Worker(${String(filename).slice(0, 60)})`, 'worker_threads');
    };
    return refused;
  });
  // Native bindings are the layer under every module above (tcp_wrap, udp_wrap, spawn_sync…).
  patch(process, 'binding', (original) => (name: string) => {
    if (BINDINGS_ALLOWED.has(name)) return original.call(process, name);
    throw refuse(`process.binding(${String(name)})`, 'native binding');
  });
  patch(process, '_linkedBinding', () => (name: string) => {
    throw refuse(`process._linkedBinding(${String(name)})`, 'native binding');
  });
  patch(process, 'dlopen', () => (_module: unknown, filename: string) => {
    throw refuse(`process.dlopen(${String(filename).slice(0, 60)})`, 'native addon');
  });

  // ESM `import { spawn } from 'node:child_process'` bindings only see the patch after this.
  syncBuiltinESMExports();

  return {
    attempts,
    assertClean() {
      const first = attempts[0];
      if (first) throw new EgressError(first.destination, first.via);
    },
    uninstall() {
      for (const { target, key, original } of patches.splice(0).reverse()) (target as any)[key] = original;
      syncBuiltinESMExports();
    },
  };
}

/** Where a Socket#connect call goes: net.connect() passes its normalised [options, callback] array. */
function socketDestination(args: any[]): { host?: string; port?: number; path?: string } {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const second = Array.isArray(args[0]) ? undefined : args[1];
  if (typeof first === 'object' && first !== null) {
    return {
      path: first.path,
      host: first.host ?? 'localhost',
      port: first.port !== undefined ? Number(first.port) : undefined,
    };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: Number(first), host: typeof second === 'string' ? second : 'localhost' };
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
