import type { BillingDb } from '../billing-db.ts';
import type { VendorSettings } from '../vendors/vendor-clients.ts';

export interface Clock {
  now(): Date;
}

export interface FacadeDeps {
  db: BillingDb;
  clock: Clock;
  /**
   * Public ids and idempotency keys ('org' -> 'org_…'); injected so tests and the simulator control
   * them. `scope` is the public id (or slug) of the customer the new id belongs to: a random source
   * ignores it, a reproducible one draws each customer's ids on its own.
   */
  newId: (prefix: string, scope: string) => string;
  vendors: VendorSettings;
  /** How often the `ingest` job writes buffered usage and sign-ins (default one minute). */
  ingestFlushMs?: number;
}
