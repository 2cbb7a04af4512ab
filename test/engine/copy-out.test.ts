import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBackend, type PreparedBackend } from '../../engine/db/open-backend.ts';
import { openServerDatabase } from '../../engine/db/server-database.ts';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { SERVER_URL } from '../support/run-sim.ts';

describe('copyOut on a server: every table through the driver, as pg_dump would print it', () => {
  let backend: PreparedBackend;
  let db: SimDatabase;
  beforeAll(async () => {
    backend = await prepareBackend({ backend: 'postgres', databaseUrl: SERVER_URL, shards: 1, purpose: 'copyout' });
    const target = backend.shards[0]!;
    if (target.kind !== 'server') throw new Error('expected a server database');
    db = await openServerDatabase({ backend: 'postgres', url: target.url });
    await db.exec(`CREATE TABLE tricky (v text); CREATE TABLE nothing (n int); CREATE TABLE times (t timestamptz)`);
    // Values COPY must escape, and a time zone the dump session must not let through.
    await db.exec(`INSERT INTO tricky VALUES (E'\\\\.'), (E'a\\nb'), (E'tab\\there'), ('héllo ☃'), (NULL);
                   SET timezone = 'Asia/Tokyo'; INSERT INTO times VALUES ('2026-02-20 09:00+09')`);
  });
  afterAll(async () => {
    await db?.close();
    await backend?.close();
  });

  it('returns each table’s COPY text, an empty one included, in the order asked', async () => {
    const [tricky, nothing, times] = await db.copyOut([
      'SELECT v FROM public.tricky',
      'SELECT n FROM public.nothing',
      'SELECT t FROM public.times',
    ]);
    expect(tricky).toBe('\\\\.\na\\nb\ntab\\there\nhéllo ☃\n\\N\n');
    expect(nothing).toBe('');
    expect(times).toBe('2026-02-20 00:00:00+00\n');
  });
});
