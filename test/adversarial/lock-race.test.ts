// Concurrent contenders for one snapshot lock, over a stale lock left by a killed run and over a
// live one: exactly one holds it at any time, the others exit 6 naming the holder. Repeated,
// since the race it guards against lost one round in three.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDirLock, lockHolder } from '../../engine/util/dir-lock.ts';
import { recordTally } from './tally.ts';

const CHILD = fileURLToPath(new URL('./support/lock-child.ts', import.meta.url));
const ROUNDS = 8;
const CONTENDERS = 4;
let contenders = 0;
let overlaps = 0;
let rounds = 0;
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  recordTally({ suite: 'lock races', tried: contenders, refused: contenders - overlaps });
  console.log(`lock races: ${contenders} contenders in ${rounds} rounds: ${overlaps} overlapping holders`);
});

/** A pid that was alive a moment ago and is not now: a run killed with its lock in place. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function staleLock(lockDir: string): void {
  mkdirSync(lockDir, { recursive: true });
  const info = { pid: deadPid(), host: hostname(), runId: 'killed', startedAt: new Date().toISOString() };
  writeFileSync(join(lockDir, '000000000007.held'), JSON.stringify(info));
}

function contend(lockDir: string, log: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, lockDir, log, String(startAt), '300']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Holders never overlap: every enter is followed by its own leave before the next enter. */
function overlapsIn(log: string): number {
  let inside: string | undefined;
  let bad = 0;
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [what, pid] = line.split(' ');
    if (what === 'enter') {
      if (inside) bad++;
      inside = pid;
    } else if (pid === inside) inside = undefined;
  }
  return bad;
}

describe('the snapshot lock under contention', () => {
  it(`${CONTENDERS} contenders over a stale lock, ${ROUNDS} rounds: one holder at a time, others exit 6`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'sim-lock-race-'));
      dirs.push(dir);
      const lockDir = join(dir, '.sim', 'tiny.lock');
      const log = join(dir, 'log');
      writeFileSync(log, '');
      staleLock(lockDir);
      // Far enough ahead for every contender to have loaded its code.
      const startAt = Date.now() + 2500;
      const runs = await Promise.all(Array.from({ length: CONTENDERS }, () => contend(lockDir, log, startAt)));
      rounds++;
      contenders += runs.length;
      const bad = overlapsIn(log);
      overlaps += bad;
      expect(bad, readFileSync(log, 'utf8')).toBe(0);
      for (const r of runs) {
        expect([0, 6], r.stderr).toContain(r.code);
        if (r.code === 6) expect(r.stderr).toMatch(/locked by pid \d+ on /);
      }
      expect(runs.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);
    }
  }, 180_000);

  it('a live holder is never taken over, and its release lets the next one in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-lock-live-'));
    dirs.push(dir);
    const lockDir = join(dir, 'tiny.lock');
    const release = acquireDirLock(lockDir, 'live');
    expect(lockHolder(lockDir)?.pid).toBe(process.pid);
    const other = spawnSync(process.execPath, ['--import', 'tsx', CHILD, lockDir, join(dir, 'log'), '0', '0'], {
      encoding: 'utf8',
    });
    contenders++;
    expect(other.status).toBe(6);
    expect(other.stderr).toMatch(new RegExp(`locked by pid ${process.pid} `));
    release();
    expect(lockHolder(lockDir)).toBeUndefined();
    const after = spawnSync(process.execPath, ['--import', 'tsx', CHILD, lockDir, join(dir, 'log'), '0', '0'], {
      encoding: 'utf8',
    });
    contenders++;
    expect(after.status, after.stderr).toBe(0);
  });
});
