import { prepareBackend } from '../../engine/db/open-backend.ts';
import { openPglite } from '../../engine/db/pglite-database.ts';
import { openServerDatabase } from '../../engine/db/server-database.ts';
import type { SimDatabase } from '../../engine/db/sim-database.ts';
import { SERVER_URL } from './run-sim.ts';

/** An embedded database and a run's own database on the test server, to compare what each returns. */
export interface BothBackends {
  embedded: SimDatabase;
  server: SimDatabase;
  close(): Promise<void>;
}

export async function openBothBackends(purpose: string): Promise<BothBackends> {
  const embedded = await openPglite();
  const backend = await prepareBackend({ backend: 'postgres', databaseUrl: SERVER_URL, shards: 1, purpose });
  const target = backend.shards[0]!;
  if (target.kind !== 'server') throw new Error('expected a server database');
  const server = await openServerDatabase({ backend: 'postgres', url: target.url });
  return {
    embedded,
    server,
    async close() {
      await embedded.close();
      await server.close();
      await backend.close();
    },
  };
}
