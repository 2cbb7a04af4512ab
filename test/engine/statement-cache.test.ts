import { describe, expect, it } from 'vitest';
import { StatementCache } from '../../engine/db/statement-cache.ts';

describe('the statements an embedded session keeps', () => {
  it('keep reads and writes by text, and parse every other statement unnamed', () => {
    const cache = new StatementCache<string>();
    const first = cache.use('  -- why\n SELECT 1');
    expect(first).toMatchObject({ name: 'sim_0', parse: true, close: [] });
    cache.parsed('  -- why\n SELECT 1', first, 'rows');
    expect(cache.use('  -- why\n SELECT 1')).toEqual({ close: [], name: 'sim_0', parse: false, rows: 'rows' });
    expect(cache.use('SHOW timezone')).toMatchObject({ name: '', parse: true });
    // Kept by the exact text: the same statement written otherwise is another one.
    expect(cache.use('SELECT 1')).toMatchObject({ name: 'sim_1', parse: true });
  });

  it('close them all before a statement that may change a table, and after such a script', () => {
    const cache = new StatementCache<null>();
    for (const text of ['SELECT 1', 'INSERT INTO t VALUES (1)']) cache.parsed(text, cache.use(text), null);
    expect(cache.use('ALTER TABLE t ADD COLUMN c int')).toMatchObject({ close: ['sim_0', 'sim_1'], name: '' });
    cache.parsed('SELECT 1', cache.use('SELECT 1'), null);
    cache.sawScript('SET timezone = UTC; CHECKPOINT;');
    expect(cache.use('SELECT 1')).toMatchObject({ parse: false, close: [] });
    cache.sawScript("SELECT ';'; DROP TABLE t");
    expect(cache.use('SELECT 1')).toMatchObject({ parse: true, close: ['sim_2'] });
  });

  it('close a statement whose first trip failed, and the oldest beyond a thousand', () => {
    const cache = new StatementCache<null>();
    const failed = cache.use('SELECT broken');
    cache.failed(failed);
    expect(cache.use('SELECT 2').close).toEqual([failed.name]);
    for (let i = 0; i <= 1000; i++) cache.parsed(`SELECT ${i}`, cache.use(`SELECT ${i}`), null);
    expect(cache.use('SELECT 1000').close).toEqual(['sim_2']);
  });
});
