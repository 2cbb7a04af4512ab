/**
 * A read-only place to ask aggregate questions: a server session inside one READ ONLY transaction,
 * or an embedded database. `purpose` names the question in the privacy ledger.
 */
export interface SqlSource {
  query<T = Record<string, unknown>>(sql: string, params: unknown[], purpose: string): Promise<T[]>;
}
