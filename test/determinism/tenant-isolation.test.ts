import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPglite } from '../../engine/db/pglite-boot.ts';
import { describe, expect, it } from 'vitest';
import { restoreIntoPglite } from '../../engine/snapshot/restore-pglite.ts';
import { REPO, runSim } from '../support/run-sim.ts';

/**
 * Each tenant's content, without surrogate keys (bigint ids are assigned in global insert order,
 * so they legitimately shift; everything a tenant sees must not).
 */
const TENANT_CONTENT = `
SELECT o.tenant_slug, jsonb_build_object(
  'org', jsonb_build_object(
    'public_id', o.public_id, 'legal_name', o.legal_name, 'country', o.country,
    'billing_email', o.billing_email, 'created_at', o.created_at),
  'users', (SELECT jsonb_agg(
      jsonb_build_array(u.email, u.full_name, u.role, u.created_at, u.deactivated_at, u.last_seen_at)
      ORDER BY u.email, u.created_at, u.full_name)
    FROM users u WHERE u.organization_id = o.id),
  'subscriptions', (SELECT jsonb_agg(
      jsonb_build_array(s.public_id, s.plan_code, s.seats, s.status, s.current_period_end, s.credit_cents)
      ORDER BY s.public_id)
    FROM subscriptions s WHERE s.organization_id = o.id),
  'invoices', (SELECT jsonb_agg(
      jsonb_build_array(i.public_id, i.number, i.status, i.total_cents, i.issued_at, i.paid_at)
      ORDER BY i.number)
    FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id WHERE s.organization_id = o.id),
  'payments', (SELECT jsonb_agg(
      jsonb_build_array(p.idempotency_key, p.status, p.failure_code, p.vendor_payment_id, p.attempted_at)
      ORDER BY p.idempotency_key)
    FROM payment_attempts p JOIN invoices i ON i.id = p.invoice_id
    JOIN subscriptions s ON s.id = i.subscription_id WHERE s.organization_id = o.id),
  'audit', (SELECT jsonb_agg(
      jsonb_build_array(a.action, a.occurred_at, (a.payload - 'target') #- '{actor,user_id}')
      ORDER BY a.occurred_at, a.action, ((a.payload - 'target') #- '{actor,user_id}')::text)
    FROM audit_events a WHERE a.organization_id = o.id),
  'usage', (SELECT jsonb_agg(jsonb_build_array(r.metric, r.quantity, r.recorded_at) ORDER BY r.recorded_at, r.metric)
    FROM usage_records r JOIN subscriptions s ON s.id = r.subscription_id WHERE s.organization_id = o.id)
)::text AS content
FROM organizations o ORDER BY o.tenant_slug`;

async function tenantContents(scenarioFile: string): Promise<Map<string, string>> {
  const out = mkdtempSync(join(tmpdir(), 'sim-iso-'));
  const run = await runSim(['generate', scenarioFile, '--out', out, '--quiet']);
  expect(run.code, run.stderr).toBe(0);
  const pg = await createPglite();
  await restoreIntoPglite(pg, readFileSync(join(out, 'tiny', 'dump.sql'), 'utf8'));
  const rows = (await pg.query<{ tenant_slug: string; content: string }>(TENANT_CONTENT)).rows;
  await pg.close();
  return new Map(rows.map((r) => [r.tenant_slug, r.content]));
}

describe('tenant isolation: changing one tenant changes only that tenant', () => {
  it('overriding tenant t3 seats leaves every other tenant byte-identical', async () => {
    const base = readFileSync(join(REPO, 'test/fixtures/scenarios/tiny.yaml'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'sim-iso-scn-'));
    const changed = join(dir, 'tiny.yaml');
    writeFileSync(changed, base.replace(/^quirks:/m, 'tenantOverrides:\n  t3: { seats: 77 }\n\nquirks:'));

    const before = await tenantContents(join(REPO, 'test/fixtures/scenarios/tiny.yaml'));
    const after = await tenantContents(changed);

    expect([...after.keys()]).toEqual([...before.keys()]);
    const differing = [...before.keys()].filter((slug) => before.get(slug) !== after.get(slug));
    if (differing.length !== 1) {
      const slug = differing.find((d) => d !== differing[0]) ?? differing[0]!;
      const a = JSON.parse(before.get(slug)!);
      const b = JSON.parse(after.get(slug)!);
      const fields = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      throw new Error(
        `${differing.length} tenants changed; e.g. ${slug} differs in ${fields.join(', ')}: ` +
          fields
            .map((f) => `${JSON.stringify(a[f]).slice(0, 300)} vs ${JSON.stringify(b[f]).slice(0, 300)}`)
            .join(' | '),
      );
    }
    expect(JSON.parse(after.get(differing[0]!)!).subscriptions[0][2]).toBe(77);
  });
});
