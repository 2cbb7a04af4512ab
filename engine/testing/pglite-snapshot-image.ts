import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPglite } from '../db/pglite-boot.ts';
import { restoreIntoPglite } from '../snapshot/restore-pglite.ts';
import { DUMP_FILE, readSnapshot } from '../snapshot/snapshot-files.ts';
import { cacheDir } from '../util/cache-dir.ts';
import { packageVersion } from '../util/package-version.ts';

const images = new Map<string, Promise<Blob>>();

/**
 * A PGlite data directory with the snapshot restored, frozen and analysed, as a tar image. Cached on
 * disk per PGlite version and dump hash, so only the first process ever pays for the restore
 * (several seconds); every later one loads the image in well under vitest's 10 s hook timeout.
 */
export function pgliteSnapshotImage(snapshotDir: string): Promise<Blob> {
  let image = images.get(snapshotDir);
  if (!image) {
    image = loadOrBuild(snapshotDir);
    images.set(snapshotDir, image);
    image.catch(() => images.delete(snapshotDir));
  }
  return image;
}

/**
 * Builds the cached image of each snapshot now: call it from a vitest globalSetup so the first test
 * of a cold cache (a fresh CI machine) does not spend its hook timeout restoring.
 */
export async function warmPgliteSnapshots(snapshotDirs: string[]): Promise<void> {
  for (const dir of snapshotDirs) await pgliteSnapshotImage(dir);
}

async function loadOrBuild(snapshotDir: string): Promise<Blob> {
  const snap = readSnapshot(snapshotDir);
  const hash = snap.manifest.files[DUMP_FILE]!.replace(/^sha256:/, '').slice(0, 16);
  const file = join(cacheDir(), `pglite-${packageVersion('@electric-sql/pglite')}-snapshot-${hash}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const pgl = await createPglite();
  try {
    await restoreIntoPglite(pgl, snap.dumpText);
    await pgl.exec('VACUUM (FREEZE, ANALYZE)');
    const image = await pgl.dumpDataDir('none');
    // Written under a unique name and renamed, so a parallel worker never reads half an image.
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(cacheDir(), { recursive: true });
      writeFileSync(tmp, Buffer.from(await image.arrayBuffer()));
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      process.stderr.write(`facade-sim: could not cache the PGlite image in ${file}: ${(e as Error).message}\n`);
    }
    return image;
  } finally {
    await pgl.close();
  }
}
