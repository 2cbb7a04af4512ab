import { sql } from 'drizzle-orm';
import type { BillingDb } from './billing-db.ts';

/** SQL checks a billing engineer wants true at all times; each returns the offending rows. */
export const INVARIANTS: Record<string, string> = {
  invoice_total_matches_lines: `SELECT i.id FROM invoices i LEFT JOIN invoice_line_items l ON l.invoice_id = i.id
    GROUP BY i.id HAVING i.total_cents <> coalesce(sum(l.quantity * l.unit_cents), 0) - i.discount_cents + i.tax_cents
       OR i.subtotal_cents <> coalesce(sum(l.quantity * l.unit_cents), 0)`,
  paid_invoice_has_one_matching_payment: `SELECT i.id FROM invoices i
    WHERE i.status = 'paid' AND i.total_cents > 0 AND 1 <> (
      SELECT count(*) FROM payment_attempts p
       WHERE p.invoice_id = i.id AND p.status = 'succeeded' AND p.amount_cents = i.total_cents)`,
  unpaid_invoice_has_no_successful_payment: `SELECT i.id FROM invoices i WHERE i.status <> 'paid' AND EXISTS (
    SELECT 1 FROM payment_attempts p WHERE p.invoice_id = i.id AND p.status = 'succeeded')`,
  refunds_within_invoice_total: `SELECT r.invoice_id FROM refunds r JOIN invoices i ON i.id = r.invoice_id
    GROUP BY r.invoice_id, i.total_cents HAVING sum(r.amount_cents) > i.total_cents`,
  subscription_status_legal: `SELECT id FROM subscriptions
    WHERE status NOT IN ('trialing', 'active', 'past_due', 'canceled')
    OR (status = 'canceled') <> (canceled_at IS NOT NULL) OR current_period_end <= current_period_start`,
  no_orphan_users: `SELECT u.id FROM users u
    LEFT JOIN organizations o ON o.id = u.organization_id WHERE o.id IS NULL`,
  no_orphan_line_items: `SELECT l.id FROM invoice_line_items l
    LEFT JOIN invoices i ON i.id = l.invoice_id WHERE i.id IS NULL`,
  no_orphan_invoices: `SELECT i.id FROM invoices i
    LEFT JOIN subscriptions s ON s.id = i.subscription_id WHERE s.id IS NULL`,
  payment_method_owner_in_org: `SELECT p.id FROM payment_methods p
    JOIN users u ON u.id = p.user_id WHERE u.organization_id <> p.organization_id`,
};

export async function checkInvariants(
  db: BillingDb,
): Promise<{ name: string; violations: number; sample: unknown[] }[]> {
  const out = [];
  for (const [name, query] of Object.entries(INVARIANTS)) {
    const rows = ((await db.execute(sql.raw(query))) as unknown as { rows: unknown[] }).rows;
    out.push({ name, violations: rows.length, sample: rows.slice(0, 5) });
  }
  return out;
}
