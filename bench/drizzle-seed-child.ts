// What a user would pick instead of facade-sim: drizzle-seed filling the same schema (domain/schema)
// to the same row counts in an embedded database, refined only as far as the schema's CHECK
// constraints and column widths demand. Prints one JSON line: the wall time and the checks passed.
// Argument: a JSON object of row counts by table name.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { seed } from 'drizzle-seed';
import * as schema from '../domain/schema.ts';
import { migrate } from '../domain/migrate.ts';
import { runConsistencyChecks } from './consistency-checks.ts';

const SEED = 20261124;
const rowCounts = JSON.parse(process.argv[2]!) as Record<string, number>;
const count = (table: string) => rowCounts[table] ?? 0;

const began = performance.now();
const client = await PGlite.create();
const db = drizzle(client, { schema });
await migrate(db);
// The migrations insert the launch catalogue; drizzle-seed fills empty tables to the counts given.
const tables = Object.keys(rowCounts).map((t) => `"${t}"`);
await client.exec(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
await seed(db, schema, { seed: SEED }).refine((f) => {
  const currency = f.valuesFromArray({ values: ['USD', 'EUR', 'GBP'] });
  return {
    plans: { count: count('plans'), columns: { interval: f.valuesFromArray({ values: ['month', 'year'] }), currency } },
    coupons: {
      count: count('coupons'),
      columns: { percentOff: f.int({ minValue: 5, maxValue: 50 }), amountOffCents: f.default({ defaultValue: null }) },
    },
    organizations: {
      count: count('organizations'),
      columns: { country: f.valuesFromArray({ values: ['US', 'GB', 'DE', 'FR', 'CA'] }) },
    },
    users: { count: count('users') },
    paymentMethods: {
      count: count('payment_methods'),
      columns: { lastFour: f.int({ minValue: 1000, maxValue: 9999 }) },
    },
    subscriptions: {
      count: count('subscriptions'),
      columns: {
        status: f.valuesFromArray({ values: ['trialing', 'active', 'past_due', 'canceled'] }),
        interval: f.valuesFromArray({ values: ['month', 'year'] }),
        currency,
      },
    },
    invoices: {
      count: count('invoices'),
      columns: { status: f.valuesFromArray({ values: ['open', 'paid', 'uncollectible', 'void'] }), currency },
    },
    invoiceLineItems: { count: count('invoice_line_items') },
    paymentAttempts: {
      count: count('payment_attempts'),
      columns: { status: f.valuesFromArray({ values: ['succeeded', 'failed', 'error'] }) },
    },
    refunds: { count: count('refunds') },
    webhookEndpoints: { count: count('webhook_endpoints') },
    webhookDeliveries: { count: count('webhook_deliveries') },
    usageRecords: { count: count('usage_records') },
    auditEvents: { count: count('audit_events') },
  };
});
const wallMs = performance.now() - began;
const checks = await runConsistencyChecks(async (sql) => (await client.query(sql)).rows);
await client.close();
process.stdout.write(JSON.stringify({ wallMs, checks }) + '\n');
