import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile, UnreadableFileError } from '../util/read-regular-file.ts';
import { canonicalJson, sha256, type Manifest } from './manifest.ts';
import { commitSnapshots, recoverSnapshotDir, type SnapshotVersion } from './snapshot-commit.ts';
import { IntegrityError, validateDumpText } from './snapshot-validator.ts';
import { validateManifest } from './validate-manifest.ts';

export const DUMP_FILE = 'dump.sql';
export const MANIFEST_FILE = 'manifest.json';
export const SIDE_EFFECTS_FILE = 'side-effects.jsonl';

/** A manifest is small metadata; anything bigger is not one. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;
/** A dump or ledger is read into one string; V8 caps strings near 512 MiB. */
export const SNAPSHOT_FILE_MAX_BYTES = 512 * 1024 * 1024;

/** A snapshot directory's new version: its files plus the manifest that hashes them. */
export function snapshotVersion(
  dir: string,
  files: Record<string, string>,
  manifest: Omit<Manifest, 'files'>,
): SnapshotVersion & { manifest: Manifest } {
  const hashes: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) hashes[name] = sha256(files[name]!);
  const full: Manifest = { ...manifest, files: hashes };
  return { dir, manifest: full, files: { ...files, [MANIFEST_FILE]: canonicalJson(full) } };
}

/**
 * Writes one snapshot directory as a whole (see snapshot-commit.ts); a run with checkpoints
 * commits all its directories at once with `commitSnapshots`. The caller holds the group's lock.
 */
export function writeSnapshot(dir: string, files: Record<string, string>, manifest: Omit<Manifest, 'files'>): Manifest {
  const version = snapshotVersion(dir, files, manifest);
  commitSnapshots([version]);
  return version.manifest;
}

export interface LoadedSnapshot {
  dir: string;
  manifest: Manifest;
  dumpText: string;
}

/** Reads and verifies a snapshot: manifest present, every file's hash matches, dump free of meta-commands. */
export function readSnapshot(dir: string): LoadedSnapshot {
  // A commit cut short by a kill is finished first: the files read below are one version.
  recoverSnapshotDir(dir);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath) && !isLink(manifestPath)) {
    throw new IntegrityError(
      `${manifestPath}: missing; a snapshot directory without its manifest is incomplete or not a snapshot ` +
        `(regenerate it with sim generate)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readSnapshotFile(manifestPath, MANIFEST_MAX_BYTES).toString('utf8'));
  } catch (e) {
    if (e instanceof IntegrityError) throw e;
    throw new IntegrityError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  const manifest = validateManifest(parsed, manifestPath);
  if (!manifest.files[DUMP_FILE]) {
    throw new IntegrityError(`${manifestPath}: lists no ${DUMP_FILE} hash`);
  }
  let dumpText = '';
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (name.includes('/') || name.includes('\\')) {
      throw new IntegrityError(`${manifestPath}: file name ${JSON.stringify(name)} is not allowed`);
    }
    const path = join(dir, name);
    if (!existsSync(path) && !isLink(path)) throw new IntegrityError(`${path}: listed in the manifest but missing`);
    const bytes = readSnapshotFile(path, SNAPSHOT_FILE_MAX_BYTES);
    const actual = sha256(bytes);
    if (actual !== expected) {
      throw new IntegrityError(
        `${path}: hash ${actual} does not match the manifest's ${expected}; the file was modified, truncated or ` +
          `converted (CRLF?) after generation`,
      );
    }
    if (name === DUMP_FILE) dumpText = bytes.toString('utf8');
  }
  validateDumpText(dumpText, join(dir, DUMP_FILE));
  return { dir, manifest, dumpText };
}

/**
 * A snapshot's files are read only as regular files inside its directory, with a size cap while
 * reading: a FIFO would hang the reader, /dev/zero would fill memory, and a symbolic link could
 * point anywhere on the machine.
 */
function readSnapshotFile(path: string, maxBytes: number): Buffer {
  try {
    return readRegularFile(path, maxBytes, { noFollow: true });
  } catch (e) {
    if (e instanceof UnreadableFileError) {
      throw new IntegrityError(`${path}: ${e.reason}; a snapshot holds regular files only`);
    }
    throw e;
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
