import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimDatabase } from './sim-database.ts';

/** A binding's schema as a folder of SQL migrations (drizzle-kit's `out` folder), in file-name order. */
export interface SqlMigrations {
  /** What `AppBinding.schemaFiles` returns: their normalised hash is the snapshot's schemaHash. */
  schemaFiles(): { name: string; sql: string }[];
  /** What `AppBinding.migrate` does: every statement of every file, in order. */
  migrate(db: SimDatabase): Promise<void>;
}

/**
 * Most apps already keep their schema as drizzle-kit migrations; a binding points at that folder
 * instead of writing its own migrate(). Nothing is recorded in the database (no applied-at
 * timestamps), so dumps stay byte-stable.
 */
export function sqlMigrations(dir: string): SqlMigrations {
  const schemaFiles = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
  return {
    schemaFiles,
    async migrate(db) {
      const files = schemaFiles();
      if (files.length === 0) throw new Error(`${dir}: no .sql migrations (run \`npx drizzle-kit generate\`)`);
      for (const file of files) {
        for (const statement of file.sql.split('--> statement-breakpoint')) {
          if (statement.trim()) await db.exec(statement);
        }
      }
    },
  };
}
