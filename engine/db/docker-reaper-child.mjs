// Removes the containers and volumes labelled with one start's token once the process that
// started them is gone, however it went (Ctrl-C on vitest skips its global teardown; SIGKILL skips
// everything; an interrupt can land while a container is still being created). A small stand-in
// for testcontainers' Ryuk, which is off by default here. Plain JavaScript, no dependencies: it
// talks to the Docker API directly.
// Usage: node docker-reaper-child.mjs <token> <daemon: socket path | host:port>
// The parent holds this process's stdin: it writes "done" after its own cleanup; an end of input
// without it means the parent died (no pid polling, so no pid reuse).
import { request } from 'node:http';

const [token, daemon] = process.argv.slice(2);
const LABEL = 'org.facade-sim.reaper';
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
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
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

async function reap() {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=${token}`] }));
  const containers = parse((await call('GET', `/containers/json?all=true&filters=${filters}`)).body, []);
  await Promise.all(containers.map((c) => call('DELETE', `/containers/${c.Id}?force=true&v=true`)));
  const volumes = parse((await call('GET', `/volumes?filters=${filters}`)).body, {}).Volumes ?? [];
  await Promise.all(volumes.map((v) => call('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=true`)));
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('close', async () => {
  if (input.includes('done')) process.exit(0);
  // The daemon finishes a create or start whose client has died: look again a little later.
  for (const delayMs of [0, 1000, 2500]) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await reap();
  }
  process.exit(0);
});
