// A kill at every file operation of a snapshot commit, in turn: the group of directories (final
// state and checkpoint) must read afterwards as the complete old version or the complete new one,
// byte for byte, and never as a mix. Run by `npm run test:adversarial`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commitSnapshots, setCommitFaultHook, WORK_DIR } from '../../engine/snapshot/snapshot-commit.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { expectedGroup, GROUP_DIRS, groupVersions, readGroup } from './support/snapshot-group.ts';
import { recordTally } from './tally.ts';

class Killed extends Error {}
const killAt = (n: number) =>
  setCommitFaultHook((step) => {
    if (step === n) throw new Killed(`killed before step ${n}`);
  });

let tried = 0;
let mixed = 0;
const outcomes = { old: 0, new: 0, absent: 0 };
const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-commit-kill-'));
  dirs.push(dir);
  return dir;
};

/** What the group reads as after recovery: 'old', 'new', 'absent' or 'mixed'. */
function judge(parent: string, hadOld: boolean): 'old' | 'new' | 'absent' | 'mixed' {
  // A reader recovers first; reading each directory completes or clears a cut-short commit.
  for (const dir of GROUP_DIRS) {
    try {
      readSnapshot(join(parent, dir));
    } catch {
      // absent before the first commit: judged from the bytes below
    }
  }
  const got = JSON.stringify(readGroup(parent));
  if (hadOld && got === JSON.stringify(expectedGroup(parent, 'a'))) return 'old';
  if (got === JSON.stringify(expectedGroup(parent, 'b'))) return 'new';
  if (!hadOld && got === '{}') return 'absent';
  return 'mixed';
}

function record(outcome: ReturnType<typeof judge>) {
  tried++;
  if (outcome === 'mixed') mixed++;
  else outcomes[outcome]++;
}

afterAll(() => {
  setCommitFaultHook(undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  recordTally({
    suite: 'commit kills',
    tried,
    refused: tried - mixed,
    committedBytesChanged: mixed,
    killPoints: tried,
  });
  console.log(
    `commit kills: ${tried} kill points tried: ${mixed} mixed versions, ` +
      `${outcomes.old} old, ${outcomes.new} new, ${outcomes.absent} absent (first commit)`,
  );
});

describe('a snapshot commit killed at every file operation', () => {
  const total = (() => {
    const parent = mkdtempSync(join(tmpdir(), 'sim-commit-count-'));
    commitSnapshots(groupVersions(parent, 'a'));
    const steps = commitSnapshots(groupVersions(parent, 'b'));
    rmSync(parent, { recursive: true, force: true });
    return steps;
  })();

  it(`leaves the old or the new version, whole, at each of the ${total} steps (replacing a version)`, () => {
    expect(total).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (let n = 1; n <= total; n++) {
      const parent = fresh();
      commitSnapshots(groupVersions(parent, 'a'));
      killAt(n);
      expect(() => commitSnapshots(groupVersions(parent, 'b'))).toThrow(Killed);
      setCommitFaultHook(undefined);
      const outcome = judge(parent, true);
      record(outcome);
      seen.add(outcome);
      expect(outcome, `kill before step ${n} of ${total}`).not.toBe('mixed');
      // The next commit starts clean and succeeds.
      commitSnapshots(groupVersions(parent, 'b'));
      expect(judge(parent, true)).toBe('new');
      // No staging, aside or journal left: only the ignore file and the group's lock.
      expect(readdirSync(join(parent, WORK_DIR)).filter((f) => f !== '.gitignore' && f !== 'tiny.lock')).toEqual([]);
    }
    // Both sides of the commit point were reached.
    expect([...seen].sort()).toEqual(['new', 'old']);
  });

  it('leaves nothing or the new version when killed during a first commit', () => {
    const parent0 = fresh();
    const steps = commitSnapshots(groupVersions(parent0, 'b'));
    for (let n = 1; n <= steps; n++) {
      const parent = fresh();
      killAt(n);
      expect(() => commitSnapshots(groupVersions(parent, 'b'))).toThrow(Killed);
      setCommitFaultHook(undefined);
      const outcome = judge(parent, false);
      record(outcome);
      expect(outcome, `kill before step ${n} of ${steps}`).not.toBe('mixed');
    }
  });

  it('recovers whole when the recovery itself is killed at each of its steps', () => {
    // Kill the commit after its commit point, then kill the reader's roll-forward at every step.
    for (let n = total - 8; n <= total; n += 2) {
      for (let m = 1; m <= 8; m++) {
        const parent = fresh();
        commitSnapshots(groupVersions(parent, 'a'));
        killAt(n);
        expect(() => commitSnapshots(groupVersions(parent, 'b'))).toThrow(Killed);
        killAt(m);
        try {
          readSnapshot(join(parent, 'tiny'));
        } catch {
          // killed during recovery, or nothing left to recover at this step
        }
        setCommitFaultHook(undefined);
        const outcome = judge(parent, true);
        record(outcome);
        expect(outcome, `commit killed before step ${n}, recovery before step ${m}`).not.toBe('mixed');
      }
    }
  });

  it('a real SIGKILL at sampled steps in a child process leaves old or new', () => {
    const child = fileURLToPath(new URL('./support/commit-child.ts', import.meta.url));

    for (let n = 1; n <= total; n += 6) {
      const parent = fresh();
      commitSnapshots(groupVersions(parent, 'a'));
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, parent], {
        env: { ...process.env, SIM_TEST_KILL_AT_COMMIT_STEP: String(n) },
        encoding: 'utf8',
      });
      expect(r.signal, `child at step ${n}: ${r.stderr}`).toBe('SIGKILL');
      const outcome = judge(parent, true);
      record(outcome);
      expect(outcome, `SIGKILL before step ${n}`).not.toBe('mixed');
    }
  });
});
