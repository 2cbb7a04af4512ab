/** Where a run's database lives: embedded in the process, a server the user owns, or a throwaway container. */
export type Backend = 'pglite' | 'postgres' | 'docker';
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres', 'docker'];

/**
 * A database the simulator created and owns for one run. Backends differ in where the database
 * lives and how pg_dump is reached; everything above this interface is backend-agnostic.
 */
export interface SimDatabase {
  readonly backend: Backend;
  /** Connection URL on a server (the run's own sim_ database), undefined when embedded. */
  readonly url: string | undefined;
  /** The driver object drizzle wraps: a PGlite instance or a pg.Client. */
  readonly driver: unknown;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /** Text of `COPY (select) TO STDOUT` for each select, in the dump session settings (one session for all). */
  copyOut(selects: string[]): Promise<string[]>;
  /**
   * pg_dump --schema-only output (raw; canonicalised by the snapshot writer). Absent in a sandboxed
   * simulation on a server, which has no client tools: the parent process dumps the schema.
   */
  dumpSchema?(): Promise<string>;
  versions(): Promise<{ postgres: string; pgDump?: string }>;
  /** Where it lives, for the run's log when the URL does not say (the docker backend: its container and volume). */
  readonly location?: string;
  /** Housekeeping between simulated days, with no transaction open (PGlite: a checkpoint). */
  maintain?(): Promise<void>;
  close(): Promise<void>;
}

/** Real-time latency injected before each database call: proves ordering never depends on it. */
export type LatencyFn = () => number;

export const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
