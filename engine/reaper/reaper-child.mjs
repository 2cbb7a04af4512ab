// Removes what a process created when that process ends without removing it itself, however it
// ended (Ctrl-C on vitest skips teardown hooks; SIGKILL skips everything; an interrupt can land while
// a container is still being created). Plain JavaScript started by node alone, so it needs no
// TypeScript loader. The parent holds this process's stdin and writes lines:
//   {"docker": {"daemon": "<socket path | host:port>", "token": "<label value>"}}
//       first line: on the parent's death, remove the containers and volumes labelled with the token
//   {"postgres": {"host", "port", "user", "password", "database"}}
//       first line: on the parent's death, drop the tracked databases through this connection
//   +<name>   track a database before it is created      -<name>   untrack it (dropped, or kept on purpose)
//   done      the parent cleaned up itself: stand down
// An end of input without "done" means the parent died. No pid polling, so no pid reuse.
import { request } from 'node:http';
import pg from 'pg';

const DOCKER_LABEL = 'org.facade-sim.reaper';
const tracked = new Set();
let config;
let done = false;

/** Calls `reap` once the parent is gone (its pipe closed without "done"), then exits. */
function onParentExit(reap) {
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line === 'done') done = true;
      else if (line.startsWith('+')) tracked.add(line.slice(1));
      else if (line.startsWith('-')) tracked.delete(line.slice(1));
      else if (line.startsWith('{')) config = JSON.parse(line);
    }
  });
  process.stdin.on('close', async () => {
    if (!done && config) {
      // What the parent had in flight (a container create, a CREATE DATABASE) finishes on the
      // server after it died: look again a little later.
      for (const delayMs of [0, 1000, 2500]) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await reap().catch(() => {});
      }
    }
    process.exit(0);
  });
}

async function reapDocker({ daemon, token }) {
  const endpoint =
    daemon.startsWith('/') || daemon.startsWith('\\\\')
      ? { socketPath: daemon }
      : { host: daemon.replace(/:\d+$/, ''), port: Number(/:(\d+)$/.exec(daemon)?.[1] ?? 2375) };
  const call = (method, path) =>
    new Promise((resolve) => {
      const req = request({ ...endpoint, method, path, timeout: 30_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      });
      req.on('error', () => resolve(''));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  const parse = (text, fallback) => {
    try {
      return JSON.parse(text);
    } catch {
      return fallback;
    }
  };
  const filters = encodeURIComponent(JSON.stringify({ label: [`${DOCKER_LABEL}=${token}`] }));
  const containers = parse(await call('GET', `/containers/json?all=true&filters=${filters}`), []);
  await Promise.all(containers.map((c) => call('DELETE', `/containers/${c.Id}?force=true&v=true`)));
  const volumes = parse(await call('GET', `/volumes?filters=${filters}`), {}).Volumes ?? [];
  await Promise.all(volumes.map((v) => call('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=true`)));
}

async function reapPostgres(connect) {
  // Only the parent's own databases (sim_…) are ever dropped.
  const names = [...tracked].filter((n) => /^sim_\w+$/.test(n));
  if (names.length === 0) return;
  const client = new pg.Client({ ...connect, application_name: 'facade-sim reaper' });
  try {
    await client.connect();
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(() => {});
      // The run's least-privilege app role (see app-role.ts) owned only that database.
      await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(`${name}_app`)}`).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

onParentExit(() => (config.docker ? reapDocker(config.docker) : reapPostgres(config.postgres)));
