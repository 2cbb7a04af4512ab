import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { openBothBackends, type BothBackends } from '../support/both-backends.ts';

// Arrays node-postgres parses (int4[], text[], timestamptz[], jsonb[], uuid[]) and ones it leaves
// as PostgreSQL's text (an enum's array, a range's array). numeric[] is left out: pg-types makes
// its elements numbers and PGlite strings, a difference of element parsers, not of arrays.
const ARRAYS = `
  SELECT ARRAY[1, 2]::int4[] AS ints, ARRAY['a', 'b,c']::text[] AS texts,
         ARRAY['2026-02-20T09:00:00Z']::timestamptz[] AS times, ARRAY['{"a":1}']::jsonb[] AS docs,
         ARRAY['6f1b7a4e-0000-4000-8000-000000000001']::uuid[] AS ids,
         ARRAY['low', 'high']::sim_level[] AS levels, ARRAY[int4range(1, 3)] AS ranges`;

let both: BothBackends;
let embedded: SimDatabase;
let server: SimDatabase;
beforeAll(async () => {
  both = await openBothBackends('parsers');
  ({ embedded, server } = both);
  for (const db of [embedded, server]) await db.exec(`CREATE TYPE sim_level AS ENUM ('low', 'high')`);
}, 60_000);
afterAll(() => both?.close());

it('reads arrays from the embedded database as node-postgres reads them from a server', async () => {
  const [fromEmbedded] = await embedded.query<Record<string, unknown>>(ARRAYS);
  const [fromServer] = await server.query<Record<string, unknown>>(ARRAYS);
  expect(fromEmbedded).toEqual(fromServer);
  // What that means: built-in arrays arrive as arrays, the others as text.
  expect(fromEmbedded!.ints).toEqual([1, 2]);
  expect(fromEmbedded!.texts).toEqual(['a', 'b,c']);
  expect(fromEmbedded!.levels).toBe('{low,high}');
  expect(fromEmbedded!.ranges).toBe('{"[1,3)"}');
});
