// The floor: the same rows, inserted one by one through the same driver, with no simulation at all.
import { readFileSync } from 'node:fs';
import { createPglite } from '../engine/db/pglite-boot.ts';
import pg from 'pg';
import { parseDumpTables } from '../engine/snapshot/parse-dump.ts';
import { canonicalSchema, splitSchema } from '../engine/snapshot/canonical-dump.ts';
import { createOwnedDatabase, dropOwnedDatabase } from '../engine/safety/index.ts';

const [dumpFile, engine, adminUrl] = process.argv.slice(2);
const text = readFileSync(dumpFile!, 'utf8');
const { preData } = splitSchema(canonicalSchema(text.slice(0, text.indexOf('\n--\n-- Data for Name'))));
const tables = parseDumpTables(text);
const unescape = (v: string) =>
  v === '\\N'
    ? null
    : v.replace(/\\(.)/g, (_m, c) => (({ t: '\t', n: '\n', r: '\r', '\\': '\\' }) as Record<string, string>)[c] ?? c);

let exec: (sql: string, params?: unknown[]) => Promise<unknown>;
let close: () => Promise<void>;
if (engine === 'pglite') {
  const db = await createPglite();
  exec = (s, p) => (p ? db.query(s, p) : db.exec(s));
  close = () => db.close();
} else {
  const name = `sim_bench_floor_${process.pid}`;
  const url = await createOwnedDatabase(adminUrl!, { name, project: 'facade-sim', purpose: 'bench' });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('SET synchronous_commit = off'); // as the simulator's own session does
  exec = (s, p) => c.query(s, p as unknown[]);
  close = async () => {
    await c.end();
    await dropOwnedDatabase(adminUrl!, name, { project: 'facade-sim' });
  };
}
await exec(preData.replace(/SELECT pg_catalog\.set_config\('search_path', '', false\);/, ''));
let rows = 0;
const t0 = performance.now();
for (const [name, t] of tables) {
  const cols = t.columns.join(', ');
  const placeholders = t.columns.map((_, i) => `$${i + 1}`).join(', ');
  const insert = `INSERT INTO public.${name} (${cols}) OVERRIDING SYSTEM VALUE VALUES (${placeholders})`;
  for (const row of t.rows) {
    await exec(insert, row.split('\t').map(unescape));
    rows++;
  }
}
const ms = performance.now() - t0;
await close();
process.stdout.write(JSON.stringify({ floorMs: ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
