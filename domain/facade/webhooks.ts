import { eq, sql, type SQL } from 'drizzle-orm';
import type { BillingDb, BillingTx } from '../billing-db.ts';
import { DomainError } from '../domain-error.ts';
import { HOUR_MS } from '../durations.ts';
import * as t from '../schema.ts';
import { withAudit } from './audit-writer.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { RequestContext } from './request-context.ts';

export interface AddWebhookEndpointInput {
  organizationId: number;
  /** Must be https. */
  url: string;
}

export interface Webhooks {
  /**
   * Queues one delivery of the event per enabled endpoint of the organisation, in the caller's
   * transaction. `audit`, the action's audit row (FacadeContext.auditRow), is written first, in
   * the same statement: one round trip instead of two for every billing event.
   */
  enqueue(
    tx: BillingTx | BillingDb,
    organizationId: number,
    type: string,
    data: Record<string, unknown>,
    options?: { audit?: SQL },
  ): Promise<void>;
  /**
   * Queues one delivery of the event per endpoint given (its id and public id, as `enqueue` reads
   * them), in the caller's transaction: for an action that read its endpoints in its own statement.
   */
  queue(
    tx: BillingTx | BillingDb,
    endpoints: { id: number | string; public_id: string }[],
    type: string,
    data: Record<string, unknown>,
  ): Promise<void>;
  addWebhookEndpoint(
    input: AddWebhookEndpointInput,
    ctx: RequestContext,
  ): Promise<{ endpointId: number; publicId: string }>;
  /** The `webhook-retries` job: delivers what is due, with exponential backoff, `failed` after the last attempt. */
  deliverDue(): Promise<{ processed: number }>;
}

const WEBHOOK_MAX_ATTEMPTS = 5;

export function webhooks({ db, clock, newId, vendor, lookup, audit, orgOf }: FacadeContext): Webhooks {
  const queue: Webhooks['queue'] = async (tx, endpoints, type, data) => {
    for (const ep of endpoints) {
      const publicId = newId('evt', ep.public_id);
      await tx.insert(t.webhookDeliveries).values({
        publicId,
        endpointId: Number(ep.id),
        eventType: type,
        payload: { id: publicId, type, data },
        status: 'pending',
        attemptCount: 0,
        createdAt: clock.now(),
        nextAttemptAt: clock.now(),
      });
    }
  };
  return {
    async enqueue(tx, organizationId, type, data, options) {
      // Asked on every billing event and usually empty (most tenants have no endpoint), so a plain template.
      const select = sql`SELECT id, public_id FROM webhook_endpoints
               WHERE organization_id = ${organizationId} AND disabled_at IS NULL ORDER BY id`;
      const statement = options?.audit ? withAudit(options.audit, select) : select;
      const endpoints = (await tx.execute(statement)).rows as { id: number | string; public_id: string }[];
      await queue(tx, endpoints, type, data);
    },

    queue,

    async addWebhookEndpoint(input, ctx) {
      if (!/^https:\/\//.test(input.url)) throw new DomainError('invalid_url', 'webhook endpoints must be https URLs');
      const org = await orgOf(input.organizationId);
      return db.transaction(async (tx) => {
        const publicId = newId('we', org.publicId);
        const ep = firstOrThrow(
          await tx
            .insert(t.webhookEndpoints)
            .values({
              publicId,
              organizationId: input.organizationId,
              url: input.url,
              secret: `whsec_${newId('secret', publicId)}`,
              createdAt: clock.now(),
            })
            .returning(),
          'the inserted webhook endpoint',
        );
        await audit(tx, input.organizationId, 'webhook_endpoint.created', ctx, {
          endpoint: ep.publicId,
          url: input.url,
        });
        return { endpointId: ep.id, publicId: ep.publicId };
      });
    },

    async deliverDue() {
      const now = clock.now();
      const due = await lookup.webhooksDue.execute({ now: now.toISOString() });
      for (const { d, url, secret } of due) {
        const res = await vendor.deliverWebhook(url, secret, {
          id: d.publicId,
          type: d.eventType,
          created: Math.floor(d.createdAt.getTime() / 1000),
          data: (d.payload as { data: unknown }).data,
        });
        const ok = res.status >= 200 && res.status < 300;
        const attempts = d.attemptCount + 1;
        await db
          .update(t.webhookDeliveries)
          .set({
            attemptCount: attempts,
            lastStatusCode: res.status || null,
            status: ok ? 'delivered' : attempts >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt:
              ok || attempts >= WEBHOOK_MAX_ATTEMPTS ? null : new Date(now.getTime() + 2 ** attempts * HOUR_MS),
          })
          .where(eq(t.webhookDeliveries.id, d.id));
      }
      return { processed: due.length };
    },
  };
}
