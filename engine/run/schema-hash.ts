import { createHash } from 'node:crypto';

/** Hash of the migration files, whitespace-normalised (a re-indented migration is not a new schema). */
export function schemaHash(files: { name: string; sql: string }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    h.update(
      f.name +
        '\u0000' +
        f.sql
          .replace(/\r\n/g, '\n')
          .replace(/[ \t]+$/gm, '')
          .trim() +
        '\u0000',
    );
  }
  return 'sha256:' + h.digest('hex');
}
