import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase, type Backend, type TestDatabase } from 'facade-sim/testing';
import { createBillingFacade, prorationCents, schema, INVARIANTS } from '../../domain/index.ts';
import { vendorConfig } from '../../bindings/billing/vendor-stubs/vendor-config.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';

// A name: found in the app's snapshots folder through sim.config.ts, whatever the working directory.
const SNAPSHOT = 'baseline-45d';
const END = new Date(
  readSnapshot(fileURLToPath(new URL('../../snapshots/baseline-45d', import.meta.url))).manifest.simulated.end,
);

// The app's vendors, as a test would stub them: every charge declines, everything else succeeds.
const charges: string[] = [];
const server = setupServer(
  http.post(`${vendorConfig.paymentsBaseUrl}/v1/payment_intents`, async ({ request }) => {
    charges.push(request.headers.get('idempotency-key') ?? '');
    return HttpResponse.json(
      { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } },
      { status: 402 },
    );
  }),
  http.post(`${vendorConfig.emailBaseUrl}/email`, () => HttpResponse.json({ MessageID: 'm', ErrorCode: 0 })),
  http.post('https://*.test/*', () => HttpResponse.json({ ok: true })),
  http.put(`${vendorConfig.searchBaseUrl}/1/indexes/:i/:id`, () => HttpResponse.json({})),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let ids = 0;
const facadeOn = (t: TestDatabase<typeof schema>, now: Date) =>
  createBillingFacade({
    db: t.db,
    clock: { now: () => now },
    newId: (p, scope) => `${p}_test_${scope}_${ids++}`,
    vendors: vendorConfig,
  });

// The docker backend runs whenever the global setup started a container (CI always does).
const BACKENDS: (readonly [Backend, 'clone' | 'transaction'])[] = [
  ['postgres', 'clone'],
  ['postgres', 'transaction'],
  ['pglite', 'transaction'],
  ['pglite', 'clone'],
  ...(process.env.SIM_DOCKER_ADMIN_URL
    ? ([
        ['docker', 'clone'],
        ['docker', 'transaction'],
      ] as const)
    : []),
];

it('runs the docker backend when a container is available (always in CI)', () => {
  if (process.env.CI) {
    expect(process.env.SIM_DOCKER_ADMIN_URL, 'CI must exercise the docker path').toMatch(/^postgres:\/\//);
  }
});

describe.each(BACKENDS)('billing behaviour on the baseline snapshot (backend %s, %s)', (backend, isolation) => {
  let t: TestDatabase<typeof schema>;
  afterEach(async (ctx) => t?.close({ keep: ctx.task.result?.state === 'fail' && isolation === 'clone' }));

  it('the invoice-total invariant holds on the restored data', async () => {
    t = await snapshotDatabase({ snapshot: SNAPSHOT, backend, isolation, schema });
    const rows = (await t.db.execute(sql.raw(INVARIANTS.invoice_total_matches_lines!))).rows;
    expect(rows).toHaveLength(0);
  });

  it('a dunning run from the mid-state the snapshot holds retries due invoices and moves them along', async () => {
    t = await snapshotDatabase({ snapshot: SNAPSHOT, backend, isolation, schema });
    const due = Number(
      (
        await t.db.execute(
          sql`SELECT count(*) AS n FROM invoices
              WHERE status = 'open' AND next_attempt_at <= ${new Date(END.getTime() + 6 * 86_400_000)}`,
        )
      ).rows[0]!.n,
    );
    expect(due).toBeGreaterThan(0);
    const facade = facadeOn(t, new Date(END.getTime() + 6 * 86_400_000));
    const dunning = facade.jobs.find((j) => j.name === 'dunning')!;
    charges.length = 0;
    const { processed } = await dunning.run();
    expect(processed).toBe(due);
    const stillOpen = Number(
      (
        await t.db.execute(
          sql`SELECT count(*) AS n FROM invoices
              WHERE status = 'open' AND next_attempt_at <= ${new Date(END.getTime() + 6 * 86_400_000)}`,
        )
      ).rows[0]!.n,
    );
    expect(stillOpen).toBe(0);
  });

  it('a seat increase on the largest (whale) tenant is prorated to the cent', async () => {
    t = await snapshotDatabase({ snapshot: SNAPSHOT, backend, isolation, schema });
    const [whale] = (
      await t.db.execute(sql`SELECT s.id, s.seats, s.current_period_start, s.current_period_end, p.unit_amount_cents
      FROM subscriptions s
      JOIN plans p ON p.id = s.plan_id
      WHERE s.status = 'active' ORDER BY s.seats DESC, s.id LIMIT 1`)
    ).rows as any[];
    expect(Number(whale.seats)).toBeGreaterThan(100);
    const start = new Date(whale.current_period_start);
    const end = new Date(whale.current_period_end);
    const now = new Date(Math.max(END.getTime(), start.getTime() + 1000));
    const expected = prorationCents(
      whale.seats * whale.unit_amount_cents,
      (whale.seats + 10) * whale.unit_amount_cents,
      start,
      end,
      now,
    );
    const { prorationCents: charged } = await facadeOn(t, now).changeSeats(
      { subscriptionId: Number(whale.id), seats: Number(whale.seats) + 10 },
      { ip: '192.0.2.1', userAgent: 'test', requestId: 'req_1' },
    );
    expect(charged).toBe(expected);
    expect(charged).toBeGreaterThan(0);
  });
});
