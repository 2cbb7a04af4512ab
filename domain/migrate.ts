import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { BillingDb } from './billing-db.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The committed SQL migrations in order (drizzle-kit output plus hand-written data migrations). */
export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8') }));
}

/** Applies pending migrations, recording each by name only (no timestamp: dumps stay deterministic). */
export async function migrate(db: BillingDb): Promise<void> {
  await db.execute(sql.raw(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY)`));
  const applied = new Set(
    ((await db.execute(sql.raw(`SELECT name FROM schema_migrations`))) as any).rows.map(
      (r: { name: string }) => r.name,
    ),
  );
  for (const file of migrationFiles()) {
    if (applied.has(file.name)) continue;
    await db.transaction(async (tx) => {
      for (const statement of file.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`INSERT INTO schema_migrations (name) VALUES (${file.name})`);
    });
  }
}
