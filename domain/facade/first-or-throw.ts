import { DomainError } from '../domain-error.ts';

/**
 * The first row of a result that cannot be empty: what an INSERT … RETURNING just wrote, or a row
 * a foreign key guarantees. An empty result there is a broken invariant of the app or the
 * database, not a caller naming something that does not exist, so the code is
 * 'internal_invariant' rather than 'not_found' (the expected refusal of a stale or wrong id).
 */
export function firstOrThrow<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new DomainError('internal_invariant', `expected ${what}, got no row`);
  return row;
}
