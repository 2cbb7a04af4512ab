import { createHash } from 'node:crypto';
import type { SqlSource } from './sql-source.ts';

export interface LedgerQuery {
  id: string;
  purpose: string;
  sha256: string;
  sql: string;
  runs: number;
}

export const sqlHash = (sql: string) => 'sha256:' + createHash('sha256').update(sql).digest('hex');

/**
 * Every statement the learner sends, in order, once per distinct text: the privacy ledger's list of
 * queries. Parameters are not recorded; they are declared domains or edges computed from earlier answers.
 */
export class QueryLedger {
  readonly queries: LedgerQuery[] = [];
  readonly #byHash = new Map<string, LedgerQuery>();

  record(sql: string, purpose: string): void {
    const sha256 = sqlHash(sql);
    const seen = this.#byHash.get(sha256);
    if (seen) {
      seen.runs++;
      return;
    }
    const entry = { id: `q${this.queries.length + 1}`, purpose, sha256, sql, runs: 1 };
    this.queries.push(entry);
    this.#byHash.set(sha256, entry);
  }

  /** A source that records each statement before sending it to `run`. */
  wrap(run: (sql: string, params: unknown[]) => Promise<any[]>): SqlSource {
    return {
      query: async <T>(sql: string, params: unknown[], purpose: string) => {
        this.record(sql, purpose);
        return (await run(sql, params)) as T[];
      },
    };
  }
}
