// Drops the test clones a process made on a server when that process ends without dropping them
// itself (Ctrl-C on vitest ends workers without their afterAll; SIGKILL skips everything).
// Plain JavaScript, started with node alone. The parent writes lines to this process's stdin:
//   {"connect": {host, port, user, password, database}}   first: where to drop from
//   +<name> before a clone is created, -<name> once it is dropped (or kept on purpose)
//   done    the parent cleaned up itself
// An end of input without "done" means the parent died: every tracked clone is dropped.
import pg from 'pg';

const tracked = new Set();
let connect;
let done = false;
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    if (line === 'done') done = true;
    else if (line.startsWith('+')) tracked.add(line.slice(1));
    else if (line.startsWith('-')) tracked.delete(line.slice(1));
    else if (line.startsWith('{')) connect = JSON.parse(line).connect;
  }
});
process.stdin.on('close', async () => {
  if (done || tracked.size === 0 || !connect) process.exit(0);
  // Names are the parent's own (sim_t_…): nothing else is ever dropped.
  const names = [...tracked].filter((n) => /^sim_t_\w+$/.test(n));
  // A CREATE DATABASE the parent had in flight finishes on the server after it died: look twice.
  for (const delayMs of [0, 1500]) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const client = new pg.Client({ ...connect, application_name: 'facade-sim reaper' });
    try {
      await client.connect();
      for (const name of names) {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(() => {});
      }
    } catch {
      // The server is gone too: nothing to drop.
    } finally {
      await client.end().catch(() => {});
    }
  }
  process.exit(0);
});
