import type { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite } from '../../engine/db/pglite-boot.ts';
import { restoreIntoPglite } from '../../engine/snapshot/restore-pglite.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { COUNTRIES, type CountryCode } from '../../bindings/billing/world/countries.ts';
import { REPO } from '../support/run-sim.ts';

const SNAPSHOT = process.env.SIM_SHAPE_SNAPSHOT ?? join(REPO, 'snapshots/baseline-45d');
const DAY_MS = 86_400_000;

/**
 * What the README says of the committed baseline, checked on the snapshot itself with SQL, as a
 * reader who restored it would check: two years of history, a real day's rhythm, no generator
 * fingerprints.
 */
describe('the committed baseline looks like a two-year-old self-serve B2B SaaS', () => {
  let db: PGlite;
  let windowStart: number;
  const one = async <T = Record<string, unknown>>(sql: string) => (await db.query<T>(sql)).rows[0]!;
  const all = async <T = Record<string, unknown>>(sql: string) => (await db.query<T>(sql)).rows;

  beforeAll(async () => {
    const snap = readSnapshot(SNAPSHOT);
    windowStart = Date.parse(snap.manifest.simulated.start);
    db = await createPglite();
    await restoreIntoPglite(db, snap.dumpText);
  });
  afterAll(() => db?.close());

  it('organisations signed up over two years, no day holding more than a few percent of them', async () => {
    const span = await one<{ first: Date; last: Date; n: number }>(
      `SELECT min(created_at) AS first, max(created_at) AS last, count(*)::int AS n FROM organizations`,
    );
    expect(span.last.getTime() - span.first.getTime()).toBeGreaterThan(2 * 365 * DAY_MS - 7 * DAY_MS);
    const busiest = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM organizations GROUP BY created_at::date ORDER BY 1 DESC LIMIT 1`,
    );
    expect(busiest.n / span.n).toBeLessThan(0.03);
  });

  it('holds old invoices, customers who left long ago, and a retired plan that old customers keep', async () => {
    const year = new Date(windowStart - 365 * DAY_MS).toISOString();
    expect(
      (await one<{ n: number }>(`SELECT count(*)::int AS n FROM invoices WHERE issued_at < '${year}'`)).n,
    ).toBeGreaterThan(100);
    const halfYear = new Date(windowStart - 180 * DAY_MS).toISOString();
    const gone = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM subscriptions WHERE canceled_at < '${halfYear}'`,
    );
    expect(gone.n).toBeGreaterThan(50);
    const legacy = await all<{ code: string }>(
      `SELECT DISTINCT p.code FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.status IN ('active', 'past_due') AND p.retired_at IS NOT NULL`,
    );
    expect(legacy.length).toBeGreaterThan(0);
  });

  it('churn falls with tenure', async () => {
    // Monthly churn of monthly plans (an annual plan's cancellation waits for its renewal):
    // subscriptions that ended in a tenure band over the months spent in it.
    const rate = async (fromMonths: number, toMonths: number) => {
      const r = await one<{ ended: number; months: number }>(`
        WITH t AS (
          SELECT created_at, coalesce(canceled_at, '${new Date(windowStart).toISOString()}') AS until,
                 canceled_at IS NOT NULL AS ended FROM subscriptions WHERE interval = 'month')
        SELECT count(*) FILTER (WHERE ended AND until - created_at >= interval '${fromMonths} months'
                                         AND until - created_at < interval '${toMonths} months')::int AS ended,
               sum(greatest(0, least(extract(epoch FROM until - created_at) / 2629746, ${toMonths})
                               - ${fromMonths}))::float AS months
          FROM t`);
      return r.ended / r.months;
    };
    expect(await rate(1, 4)).toBeGreaterThan(await rate(12, 24));
  });

  it('has one-person customers and whales of thousands of seats', async () => {
    const sizes = await one<{ solo: number; whales: number; n: number }>(`
      SELECT count(*) FILTER (WHERE n = 1)::int AS solo, count(*) FILTER (WHERE n >= 1000)::int AS whales,
             count(*)::int AS n
        FROM (SELECT organization_id, count(*) AS n FROM users GROUP BY 1) u`);
    expect(sizes.solo / sizes.n).toBeGreaterThan(0.2);
    expect(sizes.whales).toBeGreaterThanOrEqual(2);
  });

  it("sign-ins follow each tenant's local working day, every one at an instant of its own", async () => {
    const hours = await all<{ h: number; n: number }>(`
      SELECT extract(hour FROM a.occurred_at AT TIME ZONE o.timezone)::int AS h, count(*)::int AS n
        FROM audit_events a JOIN organizations o ON o.id = a.organization_id
       WHERE a.action = 'user.signed_in' GROUP BY 1`);
    const total = hours.reduce((a, b) => a + b.n, 0);
    const share = (from: number, to: number) =>
      hours.filter((h) => h.h >= from && h.h < to).reduce((a, b) => a + b.n, 0) / total;
    expect(share(8, 18)).toBeGreaterThan(0.6); // office hours
    expect(share(0, 6)).toBeGreaterThan(0.01); // and a night tail
    expect(share(0, 6)).toBeLessThan(0.08);
    const repeats = await one<{ n: number }>(`
      SELECT count(*)::int AS n FROM (
        SELECT payload->'actor'->>'user', occurred_at FROM audit_events WHERE action = 'user.signed_in'
         GROUP BY 1, 2 HAVING count(*) > 1) r`);
    expect(repeats.n).toBe(0);
    const perDay = await all<{ n: number }>(`
      SELECT count(*)::int AS n FROM audit_events WHERE action = 'user.signed_in'
       GROUP BY organization_id, occurred_at::date`);
    expect(new Set(perDay.map((r) => r.n)).size).toBeGreaterThan(20); // counts drawn per user, never multiplied
    const agents = await all<{ ua: string; n: number }>(`
      SELECT payload->'request'->>'user_agent' AS ua, count(*)::int AS n FROM audit_events
       WHERE action = 'user.signed_in' GROUP BY 1 ORDER BY 2 DESC`);
    expect(agents.length).toBeGreaterThan(20);
    expect(agents[0]!.n / total).toBeLessThan(0.25);
  });

  it("names, legal forms, time zones, slugs and mail addresses fit each tenant's country", async () => {
    const orgs = await all<{ legal_name: string; country: CountryCode; timezone: string; tenant_slug: string }>(
      `SELECT legal_name, country, timezone, tenant_slug FROM organizations`,
    );
    for (const org of orgs) {
      const c = COUNTRIES[org.country];
      expect(c, org.country).toBeDefined();
      const forms = Object.keys(c.legalForms).map((f) => f.replace(/^\^/, ''));
      expect(
        forms.some((f) => org.legal_name.startsWith(f) || org.legal_name.endsWith(f)),
        org.legal_name,
      ).toBe(true);
      expect(Object.keys(c.zones), org.legal_name).toContain(org.timezone);
      expect(org.tenant_slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(org.legal_name).not.toMatch(/(\b\w+\b)( \1){2,}/); // no "Group Group Group" padding
    }
    const emails = await all<{ email: string }>(`SELECT email FROM users`);
    for (const { email } of emails) expect(email).toMatch(/^[A-Za-z0-9._-]+@[a-z0-9.-]+\.(test|com|net|org)$/);
  });

  it('cards carry a realistic mix of brands and last four digits', async () => {
    const cards = await one<{ n: number; last4: number; brands: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT last_four)::int AS last4, count(DISTINCT brand)::int AS brands
         FROM payment_methods`,
    );
    expect(cards.brands).toBeGreaterThanOrEqual(4);
    expect(cards.last4 / cards.n).toBeGreaterThan(0.8);
  });
});
