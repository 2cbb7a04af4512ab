import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, sweepTempFiles } from '../util/atomic-write.ts';
import { canonicalJson, sha256, type Manifest } from './manifest.ts';
import { IntegrityError, validateDumpText } from './snapshot-validator.ts';
import { validateManifest } from './validate-manifest.ts';

export const DUMP_FILE = 'dump.sql';
export const MANIFEST_FILE = 'manifest.json';
export const SIDE_EFFECTS_FILE = 'side-effects.jsonl';

/**
 * Writes a snapshot directory: data files first, each atomically, manifest.json last. The
 * manifest is the commit point: a directory whose manifest does not match its files is refused.
 */
export function writeSnapshot(dir: string, files: Record<string, string>, manifest: Omit<Manifest, 'files'>): Manifest {
  mkdirSync(dir, { recursive: true });
  sweepTempFiles(dir);
  const hashes: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) {
    writeFileAtomic(join(dir, name), files[name]!);
    hashes[name] = sha256(files[name]!);
  }
  const full: Manifest = { ...manifest, files: hashes };
  writeFileAtomic(join(dir, MANIFEST_FILE), canonicalJson(full));
  return full;
}

export interface LoadedSnapshot {
  dir: string;
  manifest: Manifest;
  dumpText: string;
}

/** Reads and verifies a snapshot: manifest present, every file's hash matches, dump free of meta-commands. */
export function readSnapshot(dir: string): LoadedSnapshot {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new IntegrityError(
      `${manifestPath}: missing; a snapshot directory without its manifest is incomplete or not a snapshot (regenerate it with sim generate)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
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
    if (!existsSync(path)) throw new IntegrityError(`${path}: listed in the manifest but missing`);
    const bytes = readFileSync(path);
    const actual = sha256(bytes);
    if (actual !== expected) {
      throw new IntegrityError(
        `${path}: hash ${actual} does not match the manifest's ${expected}; the file was modified, truncated or converted (CRLF?) after generation`,
      );
    }
    if (name === DUMP_FILE) dumpText = bytes.toString('utf8');
  }
  validateDumpText(dumpText, join(dir, DUMP_FILE));
  return { dir, manifest, dumpText };
}
