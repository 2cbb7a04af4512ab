// Waits for the process that started a container to end, however it ends (Ctrl-C on vitest skips
// its global teardown; SIGKILL skips everything), then removes the container and its data volume.
// A small stand-in for testcontainers' Ryuk, which is off by default here. Plain JavaScript, no
// dependencies: it talks to the Docker API directly.
// Usage: node docker-reaper-child.mjs <pid> <daemon: socket path | host:port> <container id> [volume]
import { request } from 'node:http';

const [pidText, daemon, containerId, volume] = process.argv.slice(2);
const pid = Number(pidText);
const endpoint = daemon.startsWith('/') || daemon.startsWith('\\\\') ? { socketPath: daemon } : { host: daemon.replace(/:\d+$/, ''), port: Number(/:(\d+)$/.exec(daemon)?.[1] ?? 2375) };

const call = (method, path) =>
  new Promise((resolve) => {
    const req = request({ ...endpoint, method, path, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });

const alive = () => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

// The parent ends this process (SIGTERM) after its own teardown; then there is nothing to do.
process.on('SIGTERM', () => process.exit(0));
const timer = setInterval(async () => {
  if (alive()) return;
  clearInterval(timer);
  await call('DELETE', `/containers/${encodeURIComponent(containerId)}?force=true&v=true`);
  if (volume) await call('DELETE', `/volumes/${encodeURIComponent(volume)}?force=true`);
  process.exit(0);
}, 500);
