import type { UsageRecord } from '../ingest-buffer.ts';
import type { FacadeContext } from './facade-context.ts';

export interface IngestActions {
  recordUsage(records: UsageRecord[]): Promise<void>;
  flushIngest(): Promise<number>;
}

export function ingestActions({ ingest }: FacadeContext): IngestActions {
  return {
    /** Accepted now, written by the `ingest` job (see IngestBuffer). */
    async recordUsage(records) {
      ingest.addUsage(records);
    },

    /** Writes accepted usage and sign-ins now: what the `ingest` job does, and what shutdown must do. */
    async flushIngest() {
      return ingest.flush();
    },
  };
}
