// Runs initdb for PGlite in a process of its own and writes the empty cluster as a tar image.
// Plain JavaScript so it starts without a TypeScript loader. Usage: node pglite-image-child.mjs <out.tar>
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const target = process.argv[2];
const pg = await PGlite.create();
const image = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
await pg.close();
const tmp = `${target}.${process.pid}.tmp`;
const fd = openSync(tmp, 'wx', 0o644);
for (let off = 0; off < image.length; ) off += writeSync(fd, image, off, image.length - off);
fsyncSync(fd);
closeSync(fd);
renameSync(tmp, target);
