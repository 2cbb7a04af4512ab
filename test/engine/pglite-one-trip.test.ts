import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { createPglite } from '../../engine/db/pglite-boot.ts';
import { useOneTripQueries } from '../../engine/db/pglite-one-trip.ts';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { openBothBackends, type BothBackends } from '../support/both-backends.ts';

const TABLE = `CREATE TABLE kinds (id int PRIMARY KEY, at timestamptz, flag boolean, big bigint, doc jsonb,
                                   bytes bytea, ints int[], label text)`;
// One value of each kind a JavaScript app passes as a parameter.
const VALUES = [
  1,
  new Date('2026-02-20T09:30:00.123Z'),
  true,
  9007199254740993n,
  { plan: 'pro', seats: [1, 2] },
  Buffer.from('héllo'),
  [3, 4],
  42,
];
const READ_BACK = `SELECT id, at::text, flag::text, big::text, doc::text, encode(bytes, 'hex') AS bytes,
                          ints::text, label
                   FROM kinds ORDER BY id`;

let both: BothBackends;
let embedded: SimDatabase;
let server: SimDatabase;
beforeAll(async () => {
  both = await openBothBackends('onetrip');
  ({ embedded, server } = both);
  for (const db of [embedded, server]) await db.exec(TABLE);
}, 60_000);
afterAll(() => both?.close());

describe('queries with parameters on the embedded database, one trip each', () => {
  it('store every kind of parameter as node-postgres stores it on a server', async () => {
    const insert = 'INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
    for (const db of [embedded, server]) await db.query(insert, VALUES);
    const fromEmbedded = await embedded.query(READ_BACK);
    expect(fromEmbedded).toEqual(await server.query(READ_BACK));
    expect(fromEmbedded[0]).toMatchObject({ big: '9007199254740993', label: '42', ints: '{3,4}' });
  });

  it('report a failed statement with its code and leave the session usable, in and out of a transaction', async () => {
    const pg = embedded.driver as PGlite;
    const duplicate = pg.query('INSERT INTO kinds (id) VALUES ($1)', [1]);
    await expect(duplicate).rejects.toMatchObject({
      code: '23505',
      query: 'INSERT INTO kinds (id) VALUES ($1)',
      params: [1],
    });
    const inTransaction = pg.transaction(async (tx) => {
      await tx.query('INSERT INTO kinds (id) VALUES ($1)', [2]);
      await tx.query('INSERT INTO kinds (id) VALUES ($1)', [1]);
    });
    await expect(inTransaction).rejects.toMatchObject({ code: '23505' });
    // The transaction rolled back as a whole, and the next query runs.
    expect((await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM kinds')).rows).toEqual([{ n: 1 }]);
  });

  it('take the same path from tx.sql as from tx.query, so a transaction serializes values one way', async () => {
    const pg = embedded.driver as PGlite;
    const at = new Date('2026-02-20T09:30:00.123Z');
    const rows = await pg.transaction(async (tx) => {
      const viaSql = await tx.sql<{ v: string }>`SELECT ${at}::text AS v`;
      const viaQuery = await tx.query<{ v: string }>('SELECT $1::text AS v', [at]);
      return [viaSql.rows[0]!.v, viaQuery.rows[0]!.v];
    });
    // node-postgres's text for a Date, with the local offset (PGlite's own serializer sends toISOString()).
    expect(rows[0]).toBe(rows[1]);
    expect(rows[0]).toMatch(/^2026-02-\d\dT\d\d:\d\d:00\.123[+-]\d\d:\d\d$/);
    expect(new Date(rows[0]!).getTime()).toBe(at.getTime());
  });

  it('still hand back what COPY TO writes', async () => {
    const [text] = await embedded.copyOut(['SELECT id, label FROM public.kinds']);
    expect(text).toBe('1\t42\n');
  });

  it('hand back what PGlite’s own query does: rows, fields, counts, in either row mode', async () => {
    const own = await createPglite();
    const fast = await createPglite();
    useOneTripQueries(fast);
    const run = (pg: PGlite, text: string, params: unknown[], rowMode?: 'array' | 'object') =>
      pg.query(text, params, { rowMode }).then((r) => ({ ...r }));
    // Each write once on both, then each read in both row modes, twice, so that the second trip
    // reads the row description its first trip kept.
    const writes: [string, unknown[]][] = [
      ['CREATE TABLE r (id int, at timestamptz, doc jsonb, big bigint, ok boolean, n numeric, xs text[])', []],
      [
        "INSERT INTO r VALUES ($1, $2, $3, 1, true, 1.5, '{a,b}'), ($4, NULL, NULL, NULL, NULL, NULL, NULL)",
        [1, '2026-02-20T09:30:00Z', '{"a":1}', 2],
      ],
      ['UPDATE r SET big = big + 1 WHERE id > $1', [0]],
      ['DELETE FROM r WHERE id = $1 RETURNING id', [2]],
    ];
    const reads: [string, unknown[]][] = [
      ['SELECT * FROM r WHERE id >= $1 ORDER BY id', [0]],
      ['SELECT id AS x, big AS x, $1::text AS "__proto__" FROM r WHERE id = $2', ['p', 1]],
      ['SELECT 1 WHERE $1', [false]],
    ];
    for (const [text, params] of writes) {
      expect(await run(fast, text, params), text).toEqual(await run(own, text, params));
    }
    for (const [text, params] of [...reads, ...reads]) {
      for (const rowMode of ['object', 'array'] as const) {
        expect(await run(fast, text, params, rowMode), `${text} (${rowMode})`).toEqual(
          await run(own, text, params, rowMode),
        );
      }
    }
    await own.close();
    await fast.close();
  });

  it('give each result its own fields, and read arrays of a new type once its parsers are refreshed', async () => {
    const own = await createPglite();
    const fast = await createPglite();
    useOneTripQueries(fast);
    const first = await fast.query('SELECT 1 AS one WHERE $1', [true]);
    first.fields[0]!.name = 'changed';
    expect((await fast.query('SELECT 1 AS one WHERE $1', [true])).rows).toEqual([{ one: 1 }]);
    const select = 'SELECT ARRAY[$1::mood] AS m';
    for (const pg of [own, fast]) {
      await pg.exec(`CREATE TYPE mood AS ENUM ('happy', 'sad')`);
      await pg.query(select, ['happy']);
      await pg.refreshArrayTypes();
    }
    expect((await fast.query(select, ['happy'])).rows).toEqual((await own.query(select, ['happy'])).rows);
    await own.close();
    await fast.close();
  });

  it('parse a statement once and describe its rows once, with the rows of every execution', async () => {
    const pg = embedded.driver as PGlite;
    const text = 'SELECT id, label FROM kinds WHERE id >= $1 ORDER BY id';
    const first = await pg.query(text, [0]);
    const again = await pg.query(text, [1]);
    expect(again).toEqual(first);
    expect(again.fields).toEqual([
      { name: 'id', dataTypeID: 23 },
      { name: 'label', dataTypeID: 25 },
    ]);
    const kept = await pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    expect(kept.rows).toEqual([{ n: 1 }]);
    // A statement without rows keeps reporting what it changed.
    const update = 'UPDATE kinds SET flag = $1 WHERE id = $2';
    await pg.query(update, [false, 1]);
    expect(await pg.query(update, [true, 1])).toMatchObject({ affectedRows: 1, rows: [] });
  });

  it('forget kept statements when a table changes, through exec, query or a transaction', async () => {
    const pg = embedded.driver as PGlite;
    const star = 'SELECT * FROM kinds WHERE id = $1';
    expect(Object.keys((await pg.query(star, [1])).rows[0] as object)).not.toContain('extra');
    await pg.exec('ALTER TABLE kinds ADD COLUMN extra int DEFAULT 7');
    expect((await pg.query(star, [1])).rows[0]).toMatchObject({ extra: 7 });
    await pg.query('ALTER TABLE kinds DROP COLUMN extra');
    expect(Object.keys((await pg.query(star, [1])).rows[0] as object)).not.toContain('extra');
    await pg.transaction(async (tx) => {
      await tx.exec('/* a comment; */ ALTER TABLE kinds ADD COLUMN extra2 int DEFAULT 8');
      expect((await tx.query(star, [1])).rows[0]).toMatchObject({ extra2: 8 });
    });
    await pg.exec('DEALLOCATE ALL');
    expect((await pg.query(star, [1])).rows[0]).toMatchObject({ extra2: 8 });
    const left = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`,
      [star],
    );
    expect(left.rows).toEqual([{ n: 1 }]);
  });

  it('keep no statement whose first trip failed, and keep those a rolled-back transaction used', async () => {
    const pg = embedded.driver as PGlite;
    const text = 'SELECT $1::int AS n';
    await expect(pg.query(text, ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await pg.query(text, [5])).rows).toEqual([{ n: 5 }]);
    const inTransaction = 'SELECT label FROM kinds WHERE id = $1';
    await expect(
      pg.transaction(async (tx) => {
        await tx.query(inTransaction, [1]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await pg.query(inTransaction, [1])).rows).toEqual([{ label: '42' }]);
    const orphans = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`,
      [text],
    );
    expect(orphans.rows).toEqual([{ n: 1 }]);
  });
});

describe('transactions on the embedded database, with fewer trips', () => {
  let pg: PGlite;
  const trips: string[] = [];
  beforeAll(async () => {
    pg = await createPglite();
    // Each message as it reaches the database, under the one-trip layer.
    const execProtocolStream = pg.execProtocolStream.bind(pg);
    pg.execProtocolStream = ((message: Uint8Array, options) => {
      trips.push(String.fromCharCode(message[0]!));
      return execProtocolStream(message, options);
    }) as PGlite['execProtocolStream'];
    useOneTripQueries(pg);
    await pg.exec('CREATE TABLE t (id int PRIMARY KEY)');
  }, 60_000);
  afterAll(() => pg?.close());
  const count = async () => (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n;

  it('send BEGIN with the first statement, COMMIT with no Sync of its own, nothing for an empty one', async () => {
    trips.length = 0;
    await pg.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [1]);
      await tx.query('INSERT INTO t VALUES ($1)', [2]);
    });
    // BEGIN with the first insert, the second (its kept statement, so Bind first), COMMIT: three
    // trips where PGlite alone makes six (BEGIN and COMMIT each followed by a Sync).
    expect(trips).toEqual(['Q', 'B', 'Q']);
    trips.length = 0;
    await pg.transaction(async () => {});
    expect(trips).toEqual([]);
    expect(await count()).toBe(2);
  });

  it('roll back what a transaction did, whichever statement began it', async () => {
    const failing = [
      async (tx: Transaction) => {
        await tx.query('INSERT INTO t VALUES ($1)', [3]);
        throw new Error('the app gives up');
      },
      async (tx: Transaction) => {
        await tx.exec('INSERT INTO t VALUES (4)');
        throw new Error('the app gives up');
      },
      async (tx: Transaction) => {
        await tx.query('INSERT INTO t VALUES ($1)', [5]);
        await tx.rollback();
      },
      async (tx: Transaction) => {
        await tx.query('INSERT INTO t VALUES ($1)', [1]);
      },
    ];
    for (const callback of failing) await pg.transaction(callback).catch(() => {});
    expect(await count()).toBe(2);
    // A statement that fails as it begins the transaction leaves the session usable.
    await pg.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [6]);
    });
    expect(await count()).toBe(3);
  });
});
