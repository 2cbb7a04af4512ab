import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TALLY_VARIABLE, type Tally } from './tally.ts';

// Each file appends its tally to one file; the suite's line is printed once every file has run, and
// anything that got through fails the run even where a file's own assertion was filtered out.
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sim-adversarial-tally-'));
  const file = join(dir, 'tally.jsonl');
  writeFileSync(file, '');
  process.env[TALLY_VARIABLE] = file;
  return () => {
    const tallies = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Tally);
    rmSync(dir, { recursive: true, force: true });
    const sum = (key: keyof Tally) => tallies.reduce((a, t) => a + (Number(t[key]) || 0), 0);
    const tried = sum('tried');
    const through = tried - sum('refused');
    process.stdout.write(
      `\n${tried} bad inputs tried in ${tallies.length} files: ${sum('foreignRowsChanged')} foreign rows changed, ` +
        `${sum('committedBytesChanged')} committed bytes changed, ` +
        `${sum('outboundConnections')} outbound connections, ` +
        `${sum('metaCommandsExecuted')} meta-commands executed, ` +
        `${sum('statementsOutsideAllowList')} statements outside the allow-list; ` +
        `${sum('egressRoutes')} egress routes, a kill at ${sum('killPoints')} steps of a snapshot commit; ` +
        `${through} not refused\n`,
    );
  };
}
