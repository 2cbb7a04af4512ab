// Preloaded into a generate child by `npm run bench compare`: at exit it prints, as one JSON line
// on stderr, the CPU the node process used and the CPU of each local server backend it talked to
// (read from /proc before the connection closes; that includes the short-lived admin connection
// that creates and drops the run's database). Wall time on a shared VM drifts by the hour; CPU
// time of the same work drifts less, so a change is judged on both.
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_S = 100; // USER_HZ on Linux
const LOCAL = new Set(['localhost', '127.0.0.1', '::1']);
let backendTicks = 0;
let backendSeen = false;
let backendUnknown = false;
const end = pg.Client.prototype.end;
pg.Client.prototype.end = function (...args) {
  try {
    // A backend in a container or on another host has a pid from another namespace: only a local
    // server's backend, seen as a process named postgres, is counted.
    if (!(String(this.host).startsWith('/') || LOCAL.has(this.host))) throw new Error('not local');
    const stat = readFileSync(`/proc/${this.processID}/stat`, 'utf8');
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') {
      throw new Error('not a postgres backend');
    }
    // utime and stime: fields 14 and 15 of /proc/<pid>/stat, the 12th and 13th after the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    backendTicks += Number(fields[11]) + Number(fields[12]);
    backendSeen = true;
  } catch {
    backendUnknown = true;
  }
  return end.apply(this, args);
};
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  const backendMs = backendSeen && !backendUnknown ? (backendTicks * 1000) / TICKS_PER_S : null;
  process.stderr.write(`${JSON.stringify({ cpuReport: { nodeMs: (user + system) / 1000, backendMs } })}\n`);
});
