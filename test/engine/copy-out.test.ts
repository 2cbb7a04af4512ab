import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../engine/db/open-engine.ts';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { splitCopyOutputs } from '../../engine/db/server-database.ts';
import { SERVER_URL } from '../support/run-sim.ts';

describe('copyOut on a server: every table through one psql, cut apart exactly', () => {
  let db: SimDatabase;
  beforeAll(async () => {
    db = await openEngine({ engine: 'postgres', databaseUrl: SERVER_URL, purpose: 'copyout' });
    await db.exec(`CREATE TABLE tricky (v text); CREATE TABLE nothing (n int); CREATE TABLE nums (n int)`);
    // Values that look like the separator line, or would split a line, if COPY did not escape them.
    await db.exec(
      `INSERT INTO tricky VALUES (E'\\\\sim-end-of-copy'), ('sim-end-of-copy'), (E'a\\nb'), (NULL); INSERT INTO nums VALUES (1), (2)`,
    );
  });
  afterAll(() => db?.close());

  it('returns each table’s COPY text, an empty one included, in the order asked', async () => {
    const [tricky, nothing, nums] = await db.copyOut([
      'SELECT v FROM public.tricky',
      'SELECT n FROM public.nothing',
      'SELECT n FROM public.nums',
    ]);
    expect(tricky).toBe('\\\\sim-end-of-copy\nsim-end-of-copy\na\\nb\n\\N\n');
    expect(nothing).toBe('');
    expect(nums).toBe('1\n2\n');
  });

  it('refuses output that does not hold exactly the outputs asked for', () => {
    const end = '\\sim-end-of-copy\n';
    expect(splitCopyOutputs(`1\n${end}${end}`, 2)).toEqual(['1\n', '']);
    expect(() => splitCopyOutputs(`1\n${end}`, 2)).toThrow('psql printed 1 of 2 COPY outputs');
    expect(() => splitCopyOutputs(`1\n${end}2\n`, 1)).toThrow('more than the 1 COPY outputs');
    expect(() => splitCopyOutputs(`\\${end}`, 1)).toThrow('psql printed 0 of 1'); // an escaped backslash is data, not the separator
  });
});
