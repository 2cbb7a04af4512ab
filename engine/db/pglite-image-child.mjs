// Runs initdb for PGlite in a process of its own and writes the empty cluster as a tar image.
// Plain JavaScript so it starts without a TypeScript loader. Usage: node pglite-image-child.mjs <out.tar>
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const target = process.argv[2];
const pg = await PGlite.create();
const image = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
await pg.close();
const tmp = `${target}.${process.pid}.tmp`;
try {
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    for (let off = 0; off < image.length;) off += writeSync(fd, image, off, image.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
} catch (error) {
  rmSync(tmp, { force: true }); // a full disk must not leave a 40 MB half-image in the cache
  throw error;
}
