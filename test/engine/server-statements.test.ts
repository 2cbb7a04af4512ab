import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBackend, type PreparedBackend } from '../../engine/db/open-backend.ts';
import { openServerDatabase } from '../../engine/db/server-database.ts';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { SERVER_URL } from '../support/run-sim.ts';

describe('the statements a server connection names', () => {
  let backend: PreparedBackend;
  let db: SimDatabase;
  const named = async () =>
    (await db.query<{ name: string; statement: string }>(
      `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'sim\\_%' ORDER BY statement`,
    )) as { name: string; statement: string }[];

  beforeAll(async () => {
    backend = await prepareBackend({ backend: 'postgres', databaseUrl: SERVER_URL, shards: 1, purpose: 'named' });
    const target = backend.shards[0]!;
    if (target.kind !== 'server') throw new Error('expected a server database');
    db = await openServerDatabase({ backend: 'postgres', url: target.url });
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one'), (2, 'two')`);
  });
  afterAll(async () => {
    await db?.close();
    await backend?.close();
  });

  it('parse a statement with parameters once and reuse it by its text', async () => {
    for (const id of [1, 2, 1]) {
      const rows = await db.query<{ v: string }>('SELECT v FROM t WHERE id = $1', [id]);
      expect(rows).toEqual([{ v: id === 1 ? 'one' : 'two' }]);
    }
    // Through the driver's own config form too, as drizzle calls it: the same text, the same name.
    const client = db.driver as { query(config: object, values: unknown[]): Promise<{ rows: unknown[] }> };
    expect((await client.query({ text: 'SELECT v FROM t WHERE id = $1' }, [2])).rows).toEqual([{ v: 'two' }]);
    const kept = await named();
    expect(kept.filter((s) => s.statement === 'SELECT v FROM t WHERE id = $1')).toHaveLength(1);
    // Scripts and statements without parameters stay unnamed (the simple protocol may carry several).
    expect(kept.map((s) => s.statement)).toEqual(['SELECT v FROM t WHERE id = $1']);
  });

  it('drop every named statement before one that may change a table, so none fails on a new row type', async () => {
    await db.query('INSERT INTO t VALUES ($1, $2)', [3, 'three']);
    expect((await named()).length).toBeGreaterThan(0);
    await db.exec('ALTER TABLE t ALTER COLUMN v TYPE varchar(10)');
    expect(await named()).toEqual([]);
    // The same texts parse again under new names and see the changed table.
    expect(await db.query('SELECT v FROM t WHERE id = $1', [3])).toEqual([{ v: 'three' }]);
    expect((await named()).map((s) => s.statement)).toEqual(['SELECT v FROM t WHERE id = $1']);
  });

  it('keep a statement usable after a value that cannot be sent, and leave the app’s own PREPARE alone', async () => {
    const update = 'UPDATE t SET v = $1 WHERE id = $2';
    await expect(db.query(update, [{ big: 1n }, 3])).rejects.toThrow(/BigInt/);
    await db.query(update, ['tres', 3]);
    expect(await db.query('SELECT v FROM t WHERE id = $1', [3])).toEqual([{ v: 'tres' }]);
    await db.exec('PREPARE mine(int) AS SELECT v FROM t WHERE id = $1');
    await db.exec('CREATE INDEX t_v ON t (v)');
    expect(await db.query('EXECUTE mine(3)')).toEqual([{ v: 'tres' }]);
    await db.exec('DEALLOCATE mine');
  });

  it('drop the names before a change sent in callback form, keeping the order statements were given', async () => {
    const client = db.driver as {
      query(text: string, callback: (error: Error | null) => void): void;
      query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
    };
    expect(await db.query('SELECT * FROM t WHERE id = $1', [2])).toEqual([{ id: 2, v: 'two' }]);
    await new Promise<void>((resolve, reject) =>
      client.query('ALTER TABLE t ADD COLUMN w int', (error) => (error ? reject(error) : resolve())),
    );
    expect(await db.query('SELECT * FROM t WHERE id = $1', [2])).toEqual([{ id: 2, v: 'two', w: null }]);
    // Not awaited in between: the CREATE must still run before the INSERT that needs it.
    await Promise.all([client.query('CREATE TABLE u (id int)'), client.query('INSERT INTO u VALUES ($1)', [1])]);
    expect(await db.query('(SELECT id FROM u WHERE id = $1)', [1])).toEqual([{ id: 1 }]);
    expect((await named()).map((s) => s.statement)).toContain('(SELECT id FROM u WHERE id = $1)');
  });

  it('recover from a statement that fails to parse, and still stream COPY', async () => {
    await expect(db.query('SELECT nope FROM t WHERE id = $1', [1])).rejects.toThrow(/nope/);
    await expect(db.query('SELECT nope FROM t WHERE id = $1', [1])).rejects.toThrow(/nope/);
    expect(await db.query('SELECT v FROM t WHERE id = $1', [1])).toEqual([{ v: 'one' }]);
    expect(await db.copyOut(['SELECT id FROM public.t ORDER BY id'])).toEqual(['1\n2\n3\n']);
  });
});
