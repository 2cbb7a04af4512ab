import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { acquireDirLock, LockHeldError } from '../util/dir-lock.ts';
import { IntegrityError } from './snapshot-validator.ts';

/**
 * Commits a set of snapshot directories (a scenario's final state and its checkpoints) so that a
 * kill at any instant leaves all of them old or all of them new. See docs/decisions/snapshot-commit.md.
 *
 * The new versions are written whole into a staging folder beside them and fsynced; then a journal
 * naming the swaps is written atomically (the commit point); then each directory is swapped
 * (old renamed aside, new renamed in) and the old versions removed; the journal goes last. Before
 * the journal exists a kill leaves the old versions untouched (staging is debris, swept later);
 * once it exists, recovery rolls the swap forward from wherever it stopped: every step is
 * idempotent, and the staged files are complete because they were fsynced before the journal.
 */

/** Housekeeping beside the snapshot directories: locks, journals, staging. Never committed. */
export const WORK_DIR = '.sim';

interface Journal {
  id: string;
  pid: number;
  host: string;
  /** Snapshot directory names (in the snapshots folder) swapped by this commit. */
  dirs: string[];
}

export interface SnapshotVersion {
  /** The snapshot directory; all versions of one commit share a parent folder. */
  dir: string;
  /** File name -> bytes, manifest included. */
  files: Record<string, string | Buffer>;
}

type FaultHook = (step: number, op: string) => void;
let faultHook: FaultHook | undefined;
let step = 0;

/**
 * Test hook: called before every file operation of a commit or recovery with its ordinal; a hook
 * that throws stops the commit there, as a kill would (the commit code has no catch or finally
 * that could tidy up after it). SIM_TEST_KILL_AT_COMMIT_STEP=<n> SIGKILLs the process at step n.
 */
export function setCommitFaultHook(hook: FaultHook | undefined): void {
  faultHook = hook;
  step = 0;
}

function op<T>(name: string, fn: () => T): T {
  step++;
  faultHook?.(step, name);
  const killAt = process.env.SIM_TEST_KILL_AT_COMMIT_STEP;
  if (killAt !== undefined && Number(killAt) === step) process.kill(process.pid, 'SIGKILL');
  return fn();
}

const workDir = (parent: string) => join(parent, WORK_DIR);
const journalPath = (parent: string, group: string) => join(workDir(parent), `${group}.commit.json`);
const stagingPath = (parent: string, group: string, id: string) => join(workDir(parent), `${group}.${id}.new`);
const asidePath = (parent: string, group: string, id: string) => join(workDir(parent), `${group}.${id}.old`);
/** The lock every writer of a group's snapshot directories takes. */
// Made with its .gitignore first: a lock taken before the first commit must not show in git status.
export const groupLockDir = (parent: string, group: string) => join(ensureWorkDir(parent), `${group}.lock`);
/** `tiny@d15` belongs to the group `tiny`. */
export const groupOf = (dir: string) => basename(dir).split('@')[0]!;

function fsyncPath(path: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeDurable(path: string, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = op(`create ${path}`, () => openSync(path, 'wx', 0o644));
  op(`write ${path}`, () => {
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
  });
  op(`fsync ${path}`, () => fsyncSync(fd));
  op(`close ${path}`, () => closeSync(fd));
}

/** Makes `.sim/` (ignored by git through its own .gitignore) and returns its path. */
export function ensureWorkDir(parent: string): string {
  const dir = workDir(parent);
  if (!existsSync(join(dir, '.gitignore'))) {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.gitignore.${process.pid}.tmp`);
    writeFileSyncDurable(tmp, '# facade-sim housekeeping: locks, commit journals, staging\n*\n');
    renameSync(tmp, join(dir, '.gitignore'));
  }
  return dir;
}

function writeFileSyncDurable(path: string, data: string): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the given snapshot directories with new versions, all or none. The caller holds the
 * group's lock (`groupLockDir`). Returns the number of file operations it took (for the kill tests).
 */
export function commitSnapshots(versions: SnapshotVersion[]): number {
  step = 0;
  if (versions.length === 0) return 0;
  const parent = dirname(versions[0]!.dir);
  const group = groupOf(versions[0]!.dir);
  for (const v of versions) {
    if (dirname(v.dir) !== parent || groupOf(v.dir) !== group) {
      throw new Error(
        `one commit covers one scenario's directories in one folder; ${v.dir} is not beside ${parent}/${group}`,
      );
    }
  }
  mkdirSync(parent, { recursive: true });
  ensureWorkDir(parent);
  // Finish (or clear) what an earlier, killed commit left, so this one starts from whole versions.
  recoverGroup(parent, group);
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const staging = stagingPath(parent, group, id);
  op(`mkdir ${staging}`, () => mkdirSync(staging));
  for (const v of versions) {
    const dir = join(staging, basename(v.dir));
    op(`mkdir ${dir}`, () => mkdirSync(dir));
    for (const name of Object.keys(v.files).sort()) writeDurable(join(dir, name), v.files[name]!);
    op(`fsync ${dir}`, () => fsyncPath(dir));
  }
  op(`fsync ${staging}`, () => fsyncPath(staging));
  const journal: Journal = { id, pid: process.pid, host: hostname(), dirs: versions.map((v) => basename(v.dir)) };
  const tmp = `${journalPath(parent, group)}.${id}.tmp`;
  writeDurable(tmp, JSON.stringify(journal));
  // The commit point: from here on, recovery completes this commit.
  op(`rename ${tmp}`, () => renameSync(tmp, journalPath(parent, group)));
  op(`fsync ${workDir(parent)}`, () => fsyncPath(workDir(parent)));
  rollForward(parent, group, journal);
  return step;
}

/** Completes a commit whose journal exists; each step is skipped if an earlier attempt did it. */
function rollForward(parent: string, group: string, journal: Journal): void {
  const staging = stagingPath(parent, group, journal.id);
  const aside = asidePath(parent, group, journal.id);
  for (const name of journal.dirs) {
    const target = join(parent, name);
    const staged = join(staging, name);
    const old = join(aside, name);
    if (!existsSync(staged)) continue; // swapped in already
    if (existsSync(target)) {
      if (existsSync(old)) {
        throw new IntegrityError(
          `${target}: a commit journal says its new version is staged, yet both it and its old version exist; ` +
            `refusing to guess (look at ${aside} and ${staging})`,
        );
      }
      if (!existsSync(aside)) op(`mkdir ${aside}`, () => mkdirSync(aside));
      op(`rename ${target} aside`, () => renameSync(target, old));
    }
    op(`rename ${staged} in`, () => renameSync(staged, target));
  }
  op(`fsync ${parent}`, () => fsyncPath(parent));
  if (existsSync(aside)) {
    for (const name of readdirSync(aside)) {
      op(`remove ${join(aside, name)}`, () => rmSync(join(aside, name), { recursive: true, force: true }));
    }
    op(`rmdir ${aside}`, () => rmSync(aside, { recursive: true, force: true }));
  }
  if (existsSync(staging)) op(`rmdir ${staging}`, () => rmSync(staging, { recursive: true, force: true }));
  op(`unlink journal`, () => unlinkSync(journalPath(parent, group)));
  op(`fsync ${workDir(parent)}`, () => fsyncPath(workDir(parent)));
}

/**
 * Brings a group's directories to a whole version: rolls a journaled commit forward, and removes
 * staging that never reached its commit point. The caller holds the group's lock.
 */
function recoverGroup(parent: string, group: string): 'none' | 'completed' {
  const dir = workDir(parent);
  const path = journalPath(parent, group);
  let outcome: 'none' | 'completed' = 'none';
  if (existsSync(path)) {
    rollForward(parent, group, readJournal(path));
    outcome = 'completed';
  }
  if (!existsSync(dir)) return outcome;
  for (const name of readdirSync(dir)) {
    // A staging or aside folder with no journal: a commit killed before its commit point.
    if (name.startsWith(`${group}.`) && /\.(new|old)$/.test(name) && name.split('.').length === 3) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
    if (name.startsWith(`${group}.commit.json.`) && name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }
  return outcome;
}

function readJournal(path: string): Journal {
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  } catch (e) {
    throw new IntegrityError(
      `${path}: commit journal unreadable (${(e as Error).message}); inspect it and the folders beside it`,
    );
  }
  const safe = (s: unknown) => typeof s === 'string' && /^[a-z0-9][a-z0-9-]*(@d\d+)?$/.test(s);
  if (!/^\d+-[0-9a-z]+$/.test(String(journal.id)) || !Array.isArray(journal.dirs) || !journal.dirs.every(safe)) {
    throw new IntegrityError(`${path}: not a facade-sim commit journal`);
  }
  return journal;
}

/**
 * Before reading a snapshot directory: if a commit of its group was cut short, finish it (under
 * the group's lock), so a reader sees the old or the new version whole, never a mix. A commit in
 * progress in a live process is waited for briefly, then refused with the holder named.
 */
export function recoverSnapshotDir(snapshotDir: string): void {
  const parent = dirname(snapshotDir);
  const group = groupOf(snapshotDir);
  const path = journalPath(parent, group);
  if (!existsSync(path)) return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    let release: (() => void) | undefined;
    try {
      release = acquireDirLock(groupLockDir(parent, group), `recover-${group}`);
    } catch (e) {
      if (!(e instanceof LockHeldError)) throw e;
      if (!existsSync(path)) return;
      if (Date.now() > deadline) {
        throw new IntegrityError(
          `${snapshotDir}: a commit of '${group}' is in progress (${e.message}); read it again when that run ends`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      continue;
    }
    try {
      const journal = existsSync(path) ? readJournal(path) : undefined;
      // Holding the lock means the journal's writer is gone or is this process: finish its commit.
      if (journal) recoverGroup(parent, group);
      return;
    } catch (e) {
      if (e instanceof IntegrityError) throw e;
      throw new IntegrityError(
        `${snapshotDir}: an interrupted commit could not be completed (${(e as Error).message}); the folder may ` +
          `need write access`,
      );
    } finally {
      release();
    }
  }
}
