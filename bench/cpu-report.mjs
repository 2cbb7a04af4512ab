// Preloaded into a generate child by `npm run bench compare`: at exit it prints, as one JSON line
// on stderr, the CPU the node process used and the CPU of each local server backend it talked to
// (read from /proc before the connection closes). Wall time on a shared VM drifts by the hour;
// CPU time of the same work drifts much less, so a change is judged on both.
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_S = 100; // USER_HZ on Linux
let backendTicks = 0;
let backendSeen = false;
const end = pg.Client.prototype.end;
pg.Client.prototype.end = function (...args) {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
    const fields = readFileSync(`/proc/${this.processID}/stat`, 'utf8').split(') ')[1].split(' ');
    backendTicks += Number(fields[11]) + Number(fields[12]);
    backendSeen = true;
  } catch {
    // Not a local server (or no /proc): the backend's CPU is reported as unknown.
  }
  return end.apply(this, args);
};
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`${JSON.stringify({ cpuReport: { nodeMs: (user + system) / 1000, backendMs: backendSeen ? (backendTicks * 1000) / TICKS_PER_S : null } })}\n`);
});
