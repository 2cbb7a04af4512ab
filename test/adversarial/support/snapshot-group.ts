import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotVersion } from '../../../engine/snapshot/snapshot-files.ts';
import type { SnapshotVersion } from '../../../engine/snapshot/snapshot-commit.ts';

/** Directories of the test group: a final state and a checkpoint, committed together. */
export const GROUP_DIRS = ['tiny', 'tiny@d2'];

const dump = (label: string, rows: number) =>
  `--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE t (v text);\n\nCOPY public.t (v) FROM stdin;\n` +
  Array.from({ length: rows }, (_, i) => `${label}-${i}\n`).join('') +
  `\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n`;

/** Version `a` or `b` of every directory of the group; the versions differ in every file. */
export function groupVersions(parent: string, version: 'a' | 'b'): SnapshotVersion[] {
  return GROUP_DIRS.map((name, i) =>
    snapshotVersion(
      join(parent, name),
      {
        'dump.sql': dump(`${version}${name}`, version === 'a' ? 3 + i : 40 + i),
        'side-effects.jsonl': `{"version":"${version}","dir":"${name}"}\n`,
      },
      { scenario: 'tiny', seed: version, checkpoint: i === 0 ? null : 2 } as never,
    ),
  );
}

/** Every file of every directory of the group, as `dir/file` -> bytes (missing directories: absent). */
export function readGroup(parent: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of GROUP_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(parent, dir));
    } catch {
      continue;
    }
    for (const name of names.sort()) out[`${dir}/${name}`] = readFileSync(join(parent, dir, name), 'latin1');
  }
  return out;
}

export function expectedGroup(parent: string, version: 'a' | 'b'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of groupVersions(parent, version)) {
    const dir = v.dir.slice(parent.length + 1);
    for (const name of Object.keys(v.files).sort()) {
      out[`${dir}/${name}`] = Buffer.from(v.files[name]!).toString('latin1');
    }
  }
  return out;
}
