import { randomBytes } from 'node:crypto';
import { createPglite } from '../../engine/db/pglite-boot.ts';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkInvariants,
  createBillingFacade,
  DomainError,
  IngestBuffer,
  migrate,
  prorationCents,
  schema,
  type BillingDb,
} from '../../domain/index.ts';
import { SERVER_URL } from '../support/run-sim.ts';

const vendors = {
  paymentsBaseUrl: 'https://api.stripe.com',
  paymentsApiKey: 'sk_test_x',
  emailBaseUrl: 'https://api.postmarkapp.com',
  emailApiKey: 'test',
  searchBaseUrl: 'https://app-dsn.algolia.net',
  searchAppId: 'APP',
  searchApiKey: 'k',
};

// Vendors as a test controls them: the next charges' outcomes are scripted.
let chargeOutcomes: ('ok' | 'decline' | 'down')[] = [];
const chargeKeys: string[] = [];
const emails: string[] = [];
const server = setupServer(
  http.post('https://api.stripe.com/v1/payment_methods', async ({ request }) => {
    const body = (await request.json()) as any;
    return HttpResponse.json({
      id: `pm_${body.card.number.slice(-4)}`,
      card: {
        brand: 'visa',
        last4: body.card.number.slice(-4),
        exp_month: body.card.exp_month,
        exp_year: body.card.exp_year,
      },
    });
  }),
  http.post('https://api.stripe.com/v1/payment_intents', ({ request }) => {
    chargeKeys.push(request.headers.get('idempotency-key') ?? '');
    const outcome = chargeOutcomes.shift() ?? 'ok';
    if (outcome === 'decline') {
      return HttpResponse.json(
        { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } },
        { status: 402 },
      );
    }
    if (outcome === 'down') return HttpResponse.json({ error: { type: 'api_error' } }, { status: 503 });
    return HttpResponse.json({ id: `pi_${chargeKeys.length}`, status: 'succeeded' });
  }),
  http.post('https://api.stripe.com/v1/refunds', () => HttpResponse.json({ id: 're_1', status: 'succeeded' })),
  http.post('https://api.postmarkapp.com/email', async ({ request }) => {
    emails.push(((await request.json()) as any).Tag);
    return HttpResponse.json({ MessageID: 'm', ErrorCode: 0 });
  }),
  http.put('https://app-dsn.algolia.net/1/indexes/organizations/:id', () => HttpResponse.json({})),
  http.post('https://hooks.acme.test/*', () => HttpResponse.json({})),
);

const DAY = 86_400_000;
const ctx = { ip: '192.0.2.10', userAgent: 'vitest', requestId: 'req_1', actorEmail: 'owner@acme.test' };

interface Engine {
  name: string;
  /** Several connections: requests may run at once, as in a web server. */
  concurrent?: boolean;
  open(): Promise<{ db: BillingDb; close(): Promise<void> }>;
}

/** A database of its own on the test server, for one test. */
async function serverDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sim_test_domain_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    url: SERVER_URL.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const engines: Engine[] = [
  {
    name: 'PGlite',
    async open() {
      const pgl = await createPglite();
      return { db: drizzlePglite(pgl, { schema }) as unknown as BillingDb, close: () => pgl.close() };
    },
  },
  {
    name: 'PostgreSQL server',
    async open() {
      const database = await serverDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      return {
        db: drizzlePg(client, { schema }) as unknown as BillingDb,
        async close() {
          await client.end();
          await database.drop();
        },
      };
    },
  },
  {
    // How the app runs in production: transactions on a connection of their own, prepared lookups
    // on whichever connection is free (each parses its named statements once).
    name: 'PostgreSQL server through a pool of 3',
    concurrent: true,
    async open() {
      const database = await serverDatabase();
      const pool = new pg.Pool({ connectionString: database.url, max: 3 });
      // An idle connection ended by the DROP … WITH (FORCE) below reports here, not as a crash.
      pool.on('error', () => {});
      return {
        db: drizzlePg(pool, { schema }) as unknown as BillingDb,
        async close() {
          await pool.end();
          await database.drop();
        },
      };
    },
  },
];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('proration arithmetic', () => {
  const start = new Date('2026-03-01T00:00:00Z');
  const end = new Date('2026-04-01T00:00:00Z');
  it('charges the price difference for the share of the period left, rounded half away from zero', () => {
    // 10 seats at $19 -> $39, exactly half the period left: (39000 - 19000) / 2
    expect(prorationCents(19_000, 39_000, start, end, new Date('2026-03-16T12:00:00Z'))).toBe(10_000);
    // one seat added at $9 with a third of a 31-day month left
    expect(prorationCents(900, 1800, start, end, new Date(end.getTime() - (31 * DAY) / 3))).toBe(300);
  });
  it('credits a downgrade and is zero at period end', () => {
    expect(prorationCents(39_000, 19_000, start, end, new Date('2026-03-16T12:00:00Z'))).toBe(-10_000);
    expect(prorationCents(900, 1800, start, end, end)).toBe(0);
  });
});

describe.each(engines)('billing rules on $name', (engine) => {
  let db: BillingDb;
  let close: () => Promise<void>;
  let now: Date;
  let n = 0;
  let tenants = 0;
  let facade: ReturnType<typeof createBillingFacade>;
  const at = (iso: string) => (now = new Date(iso));
  const job = (name: string) => facade.jobs.find((j) => j.name === name)!.run();

  beforeEach(async () => {
    const opened = await engine.open();
    db = opened.db;
    close = opened.close;
    await migrate(db);
    at('2026-03-01T00:00:00Z');
    chargeOutcomes = [];
    chargeKeys.length = 0;
    emails.length = 0;
    facade = createBillingFacade({
      db,
      clock: { now: () => now },
      newId: (p, scope) => `${p}_${scope.length ? '' : '?'}${++n}`,
      vendors,
    });
    return () => close();
  });

  async function customer(country = 'DE', seats = 5, planCode = 'team') {
    const { organizationId, ownerUserId, ownerPublicId } = await facade.signUp(
      {
        tenantSlug: `acme-${++tenants}`,
        legalName: 'Acme GmbH',
        country,
        currency: 'EUR',
        billingEmail: 'billing@acme.test',
        owner: { email: 'owner@acme.test', fullName: 'Olga Owner' },
      },
      ctx,
    );
    await facade.addPaymentMethod(
      { organizationId, userId: ownerUserId, card: { number: '4242424242424242', expMonth: 12, expYear: 2030 } },
      ctx,
    );
    const { subscriptionId } = await facade.subscribe(
      { organizationId, planCode, interval: 'month', currency: 'EUR', seats },
      ctx,
    );
    return { organizationId, ownerUserId, ownerPublicId, subscriptionId };
  }
  const invoices = async () =>
    (
      await db.execute(
        sql`SELECT status, total_cents::int AS total, tax_cents::int AS tax, attempt_count AS attempts
            FROM invoices ORDER BY id`,
      )
    ).rows as any[];
  const status = async (id: number) =>
    ((await db.execute(sql`SELECT status FROM subscriptions WHERE id = ${id}`)).rows[0] as any).status;

  it('sign-up writes the organisation, its owner and an audit event naming the actor and request', async () => {
    await customer();
    const [event] = (await db.execute(sql`SELECT payload FROM audit_events WHERE action = 'organization.created'`))
      .rows as any[];
    expect(event.payload).toMatchObject({
      actor: { email: 'owner@acme.test', ip: '192.0.2.10' },
      request: { id: 'req_1', user_agent: 'vitest' },
    });
    // The actor is named by public id: a surrogate key means nothing outside this database.
    expect(event.payload.actor.user).toMatch(/^usr_/);
  });

  it('the first invoice is seats × price plus German VAT, charged once with an idempotency key', async () => {
    await customer('DE', 5, 'team');
    expect(await invoices()).toEqual([{ status: 'paid', total: 5 * 1800 + 1710, tax: 1710, attempts: 1 }]);
    expect(chargeKeys).toEqual([expect.stringMatching(/^in_\d+:attempt:1$/)]);
    expect(emails).toContain('receipt');
  });

  it('an upgrade mid-period issues a proration invoice for exactly the remaining time', async () => {
    const { subscriptionId } = await customer('US', 10, 'team');
    at('2026-03-16T12:00:00Z'); // half of the 31-day period left
    const { prorationCents: delta } = await facade.changePlan({ subscriptionId, planCode: 'business' }, ctx);
    expect(delta).toBe((10 * (3600 - 1800)) / 2);
    expect((await invoices()).at(-1)).toMatchObject({ status: 'paid', total: delta, tax: 0 });
  });

  it('a downgrade credits the unused time to the next renewal invoice', async () => {
    const { subscriptionId } = await customer('US', 4, 'business');
    at('2026-03-16T12:00:00Z');
    const { prorationCents: delta } = await facade.changePlan({ subscriptionId, planCode: 'team' }, ctx);
    expect(delta).toBe(-(4 * (3600 - 1800)) / 2);
    at('2026-04-01T00:00:00Z');
    await job('renewals');
    const renewal = (await invoices()).at(-1);
    expect(renewal.total).toBe(4 * 1800 + delta);
    const lines = (
      await db.execute(
        sql`SELECT sku, quantity, unit_cents::int AS unit FROM invoice_line_items
            WHERE invoice_id = (SELECT max(id) FROM invoices) ORDER BY id`,
      )
    ).rows;
    expect(lines).toEqual([
      { sku: 'plan:team', quantity: 4, unit: 1800 },
      { sku: 'credit', quantity: 1, unit: delta },
    ]);
    // The credit is used up with the invoice that took it.
    const [{ credit }] = (
      await db.execute(sql`SELECT credit_cents::int AS credit FROM subscriptions WHERE id = ${subscriptionId}`)
    ).rows as { credit: number }[] as [{ credit: number }];
    expect(credit).toBe(0);
  });

  it('numbers invoices per organisation from 0001; each event writes its audit row and its webhooks', async () => {
    const first = await customer('US', 2, 'team');
    await facade.addWebhookEndpoint({ organizationId: first.organizationId, url: 'https://hooks.acme.test/a' }, ctx);
    await customer('US', 3, 'team');
    at('2026-04-01T00:00:00Z');
    await job('renewals');
    const numbers = (
      await db.execute(
        sql`SELECT i.number, upper(o.tenant_slug) AS slug FROM invoices i
            JOIN subscriptions s ON s.id = i.subscription_id JOIN organizations o ON o.id = s.organization_id
            ORDER BY i.id`,
      )
    ).rows as { number: string; slug: string }[];
    const [a, b] = [numbers[0]!.slug, numbers[1]!.slug];
    expect(numbers.map((r) => r.number)).toEqual([`${a}-0001`, `${b}-0001`, `${a}-0002`, `${b}-0002`]);
    const events = (
      await db.execute(
        sql`SELECT organization_id::int AS org, action FROM audit_events
            WHERE action LIKE 'invoice.%' ORDER BY id`,
      )
    ).rows as any[];
    expect(events.map((e) => e.action)).toEqual([
      ...['invoice.issued', 'invoice.paid', 'invoice.issued', 'invoice.paid'],
      ...['invoice.issued', 'invoice.paid', 'invoice.issued', 'invoice.paid'],
    ]);
    // Only the organisation with an endpoint gets deliveries: its renewal's invoice.paid.
    const hooks = (await db.execute(sql`SELECT event_type FROM webhook_deliveries ORDER BY id`)).rows;
    expect(hooks).toEqual([{ event_type: 'invoice.paid' }]);
  });

  it('an invite writes the user and its audit row together; a duplicate writes nothing, takes no id', async () => {
    const { organizationId } = await customer('US', 3, 'team');
    const invite = () =>
      facade.inviteUser({ organizationId, email: 'ann@acme.test', fullName: 'Ann Lee', role: 'member' }, ctx);
    const first = await invite();
    await expect(invite()).rejects.toMatchObject({ code: 'duplicate_email' });
    const second = await facade.inviteUser(
      { organizationId, email: 'bob@acme.test', fullName: 'Bob Lee', role: 'member' },
      ctx,
    );
    expect(second.userId).toBe(first.userId + 1);
    const invited = (
      await db.execute(sql`SELECT payload->'target'->>'email' AS email FROM audit_events
                            WHERE action = 'user.invited' ORDER BY id`)
    ).rows;
    expect(invited).toEqual([{ email: 'ann@acme.test' }, { email: 'bob@acme.test' }]);
    await facade.changeRole({ userId: second.userId, role: 'admin' }, ctx);
    await facade.deactivateUser({ userId: first.userId }, ctx);
    const users = (
      await db.execute(sql`SELECT email, role, deactivated_at IS NOT NULL AS gone FROM users
                            WHERE email <> 'owner@acme.test' ORDER BY id`)
    ).rows;
    expect(users).toEqual([
      { email: 'ann@acme.test', role: 'member', gone: true },
      { email: 'bob@acme.test', role: 'admin', gone: false },
    ]);
    const actions = (
      await db.execute(sql`SELECT action FROM audit_events WHERE action IN ('user.role_changed', 'user.deactivated')
                            ORDER BY id`)
    ).rows;
    expect(actions).toEqual([{ action: 'user.role_changed' }, { action: 'user.deactivated' }]);
  });

  it('an import writes its users in order, any name as given, and skips a duplicate e-mail', async () => {
    const { organizationId } = await customer('US', 3, 'team');
    const names = ['Zoë "Z" O\'Brien', 'Back\\slash, {braces}', 'NULL', '', 'Ann Lee'];
    const users = names.map((fullName, i) => ({ email: `u${i % 4}@acme.test`, fullName, role: 'member' }));
    const { users: written } = await facade.importUsers({ organizationId, users }, ctx);
    expect(written).toHaveLength(4);
    expect(written.map((u) => u.userId)).toEqual([...written.map((u) => u.userId)].sort((a, b) => a - b));
    const rows = (
      await db.execute(sql`SELECT public_id, email, full_name FROM users
                            WHERE organization_id = ${organizationId} AND role = 'member' ORDER BY id`)
    ).rows;
    expect(rows).toEqual(
      names
        .slice(0, 4)
        .map((fullName, i) => ({ public_id: written[i]!.publicId, email: `u${i}@acme.test`, full_name: fullName })),
    );
    const [audit] = (
      await db.execute(sql`SELECT payload->'target' AS t FROM audit_events
                                            WHERE action = 'users.imported'`)
    ).rows as any[];
    expect(audit.t).toEqual({ count: 4, skipped_duplicates: 1 });
  });

  it('idleJobs names exactly the jobs whose tick would find nothing', async () => {
    const due = async () => [...(await facade.idleJobs(facade.jobs))].sort((a, b) => a.localeCompare(b));
    const allIdle = ['card-expiry', 'dunning', 'renewals', 'trial-expiry', 'webhook-retries'];
    expect(await due()).toEqual(allIdle);
    const { organizationId } = await customer('US', 2, 'team');
    await facade.addWebhookEndpoint({ organizationId, url: 'https://hooks.acme.test/a' }, ctx);
    at('2026-04-01T00:00:00Z');
    expect(await due()).toEqual(allIdle.filter((j) => j !== 'renewals'));
    await job('renewals');
    // The renewal's invoice.paid is queued for the endpoint: now the retries job has work.
    expect(await due()).toEqual(allIdle.filter((j) => j !== 'webhook-retries'));
    await job('webhook-retries');
    expect(await due()).toEqual(allIdle);
    // The card entered in customer() expires 12/2030: from January 2031 the card job has work.
    at('2031-01-01T00:00:00Z');
    expect(await due()).not.toContain('card-expiry');
    expect((await job('card-expiry')).processed).toBe(1);
    expect(await due()).toContain('card-expiry');
  });

  it('dunning: a declined renewal goes past_due, is retried at +1, +3 and +5 days, then canceled', async () => {
    const { subscriptionId } = await customer('US', 2, 'starter');
    chargeOutcomes = ['decline', 'down', 'decline', 'decline'];
    at('2026-04-01T00:00:00Z');
    await job('renewals');
    expect(await status(subscriptionId)).toBe('past_due');
    for (const [day, expectedAttempts] of [
      [1, 2],
      [3, 3],
    ] as const) {
      at(new Date(Date.parse('2026-04-01T00:00:00Z') + day * DAY).toISOString());
      await job('dunning');
      expect((await invoices()).at(-1).attempts).toBe(expectedAttempts);
      expect(await status(subscriptionId)).toBe('past_due');
    }
    at('2026-04-04T00:00:00Z'); // not due yet: nothing happens
    expect((await job('dunning')).processed).toBe(0);
    at('2026-04-06T00:00:00Z');
    await job('dunning');
    expect((await invoices()).at(-1)).toMatchObject({ status: 'uncollectible', attempts: 4 });
    expect(await status(subscriptionId)).toBe('canceled');
    const [ended] = (
      await db.execute(sql`SELECT canceled_at, cancellation_reason FROM subscriptions WHERE id = ${subscriptionId}`)
    ).rows as { canceled_at: Date | string; cancellation_reason: string }[];
    expect(new Date(ended!.canceled_at).toISOString()).toBe('2026-04-06T00:00:00.000Z');
    expect(ended!.cancellation_reason).toBe('payment_failed');
    const failures = (await db.execute(sql`SELECT status, failure_code FROM payment_attempts ORDER BY id`)).rows.slice(
      1,
    );
    expect(failures).toEqual([
      { status: 'failed', failure_code: 'insufficient_funds' },
      { status: 'error', failure_code: 'http_503' },
      { status: 'failed', failure_code: 'insufficient_funds' },
      { status: 'failed', failure_code: 'insufficient_funds' },
    ]);
    expect(emails.filter((e) => e === 'dunning')).toHaveLength(4);
  });

  it('dunning: a retry that succeeds makes the subscription active again', async () => {
    const { subscriptionId } = await customer('US', 2, 'starter');
    chargeOutcomes = ['decline', 'ok'];
    at('2026-04-01T00:00:00Z');
    await job('renewals');
    at('2026-04-02T00:00:00Z');
    await job('dunning');
    expect(await status(subscriptionId)).toBe('active');
    expect((await invoices()).at(-1)).toMatchObject({ status: 'paid', attempts: 2 });
  });

  it('refunds up to the invoice total, never beyond', async () => {
    await customer('US', 3, 'team');
    const [{ id, total }] = (await db.execute(sql`SELECT id::int AS id, total_cents::int AS total FROM invoices`))
      .rows as any[];
    await facade.refund({ invoiceId: id, amountCents: total - 100, reason: 'requested_by_customer' }, ctx);
    await expect(facade.refund({ invoiceId: id, amountCents: 101, reason: 'duplicate' }, ctx)).rejects.toMatchObject({
      code: 'refund_too_large',
    });
  });

  it('illegal transitions are refused with a DomainError', async () => {
    const { subscriptionId } = await customer();
    await facade.cancel({ subscriptionId, atPeriodEnd: false, reason: 'other' }, ctx);
    await expect(facade.cancel({ subscriptionId, atPeriodEnd: true, reason: 'other' }, ctx)).rejects.toBeInstanceOf(
      DomainError,
    );
    await expect(facade.changeSeats({ subscriptionId, seats: 9 }, ctx)).rejects.toMatchObject({ code: 'canceled' });
  });

  it('usage and sign-ins are accepted at once and written by the ingest job, each at its own time', async () => {
    const { organizationId, ownerUserId, ownerPublicId, subscriptionId } = await customer();
    const signIn = (iso: string) => ({
      userPublicId: ownerPublicId,
      ip: '192.0.2.7',
      userAgent: 'vitest',
      at: new Date(iso),
    });
    const count = async (q: ReturnType<typeof sql>) => Number(((await db.execute(q)).rows[0] as any).n);
    await facade.recordUsage([
      { subscriptionId, metric: 'api_calls', quantity: 5, recordedAt: new Date('2026-03-01T09:00:00Z') },
    ]);
    await facade.recordSignIns({
      organizationId,
      events: [signIn('2026-03-01T09:00:00Z'), signIn('2026-03-01T10:00:00Z')],
    });
    expect(await count(sql`SELECT count(*) AS n FROM usage_records`)).toBe(0);

    expect(await job('ingest')).toEqual({ processed: 3 });
    expect((await db.execute(sql`SELECT quantity, recorded_at FROM usage_records`)).rows).toEqual([
      { quantity: 5, recorded_at: expect.anything() },
    ]);
    const events = (
      await db.execute(sql`SELECT occurred_at FROM audit_events WHERE action = 'user.signed_in' ORDER BY id`)
    ).rows as any[];
    expect(events.map((e) => new Date(e.occurred_at).toISOString())).toEqual([
      '2026-03-01T09:00:00.000Z',
      '2026-03-01T10:00:00.000Z',
    ]);
    const lastSeen = async () =>
      new Date(
        ((await db.execute(sql`SELECT last_seen_at FROM users WHERE id = ${ownerUserId}`)).rows[0] as any).last_seen_at,
      ).toISOString();
    expect(await lastSeen()).toBe('2026-03-01T10:00:00.000Z');

    // A sign-in that reaches a later flush with an earlier time never moves last_seen_at back.
    await facade.recordSignIns({ organizationId, events: [signIn('2026-03-01T08:00:00Z')] });
    expect(await facade.flushIngest()).toBe(1);
    expect(await lastSeen()).toBe('2026-03-01T10:00:00.000Z');
    expect(await job('ingest')).toEqual({ processed: 0 });
  });

  it('usage rows keep arrival order and any metric text, quotes, braces and the word NULL included', async () => {
    const { subscriptionId } = await customer();
    const metrics = ['api_calls', 'say "hi"', 'back\\slash', 'a,b', '{braces}', 'NULL', '', 'Zürich 東京 🚀'];
    await facade.recordUsage(
      metrics.map((metric, i) => ({
        subscriptionId,
        metric,
        quantity: 100 - i,
        recordedAt: new Date(Date.UTC(2026, 2, 1, 12, 0, 59 - i)),
      })),
    );
    expect(await facade.flushIngest()).toBe(metrics.length);
    const rows = (await db.execute(sql`SELECT metric, quantity, recorded_at FROM usage_records ORDER BY id`))
      .rows as any[];
    expect(rows.map((r) => [r.metric, r.quantity, new Date(r.recorded_at).getUTCSeconds()])).toEqual(
      metrics.map((m, i) => [m, 100 - i, 59 - i]),
    );
  });

  it('a failed ingest flush keeps what it did not write; a flush waits for the one before it', async () => {
    const { subscriptionId } = await customer();
    const usage = (id: number, quantity: number) => ({
      subscriptionId: id,
      metric: 'api_calls',
      quantity,
      recordedAt: now,
    });
    const broken = new IngestBuffer(db);
    broken.addUsage([usage(subscriptionId, 1), usage(987_654, 2)]); // no such subscription
    await expect(broken.flush()).rejects.toThrow();
    expect(broken.pending).toBe(2);

    const buffer = new IngestBuffer(db);
    buffer.addUsage([usage(subscriptionId, 1), usage(subscriptionId, 2)]);
    const first = buffer.flush();
    // A shutdown flush during the job's: it has nothing left to write, but returns only once that is written.
    expect(await buffer.flush()).toBe(0);
    expect(((await db.execute(sql`SELECT count(*)::int AS n FROM usage_records`)).rows[0] as any).n).toBe(2);
    expect(await first).toBe(2);
  });

  it.runIf(engine.concurrent)(
    'requests served at once keep every invariant: each transaction on its own connection',
    async () => {
      const customers = await Promise.all([1, 2, 3, 4, 5, 6].map((seats) => customer('DE', seats)));
      await Promise.all(
        customers.map(({ subscriptionId }, i) => facade.changeSeats({ subscriptionId, seats: 10 + i }, ctx)),
      );
      at('2026-04-01T01:00:00Z');
      expect(await job('renewals')).toEqual({ processed: customers.length });
      expect((await checkInvariants(db)).filter((i) => i.violations > 0)).toEqual([]);
      const perOrg = (
        await db.execute(
          sql`SELECT count(*)::int AS n FROM invoices i
              JOIN subscriptions s ON s.id = i.subscription_id GROUP BY s.organization_id`,
        )
      ).rows as { n: number }[];
      // The first invoice, a proration for the added seats, and the renewal: three each, numbered per tenant.
      expect(perOrg.map((r) => r.n)).toEqual(customers.map(() => 3));
    },
  );

  it('checkInvariants is clean on a healthy history and catches a corrupted invoice total', async () => {
    await customer();
    expect((await checkInvariants(db)).filter((i) => i.violations > 0)).toEqual([]);
    await db.execute(sql`UPDATE invoices SET total_cents = total_cents + 1`);
    const broken = (await checkInvariants(db)).filter((i) => i.violations > 0).map((i) => i.name);
    expect(broken).toEqual(
      expect.arrayContaining(['invoice_total_matches_lines', 'paid_invoice_has_one_matching_payment']),
    );
  });
});
