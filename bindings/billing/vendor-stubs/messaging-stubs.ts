import type { HttpHandler } from 'msw';
import { vendorStub, type RandomStream, type SimClock, type SideEffectLedger } from '../../../engine/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';

interface StubOptions {
  scenario: BillingScenario;
  rng: RandomStream;
  clock: SimClock;
  ledger: SideEffectLedger;
  latencyMs?: () => number;
}

/** Postmark-like email API: accepts mail, fails at the scenario's rate (the app must not lose the business action). */
export function emailStub(baseUrl: string, o: StubOptions): HttpHandler[] {
  const api = vendorStub('email', baseUrl, { ledger: o.ledger, latencyMs: o.latencyMs });
  const seen = new Map<string, number>();
  return [
    api.post('/email', ({ json, text }) => {
      // Decisions keyed on the message itself (and how often it was sent), not on global call order.
      const n = `${text}#${seen.get(text) ?? 0}`;
      seen.set(text, (seen.get(text) ?? 0) + 1);
      if (!json?.To) return { status: 422, json: { ErrorCode: 300, Message: 'Invalid email request' } };
      if (o.rng.fork('email-fail', n).chance(o.scenario.vendors.email.failureRate.value)) {
        return { status: 500, json: { ErrorCode: 1, Message: 'Internal' } };
      }
      return { json: { MessageID: o.rng.fork('email-id', n).uuid(), ErrorCode: 0, To: json.To } };
    }),
  ];
}

/** Algolia-like search index: stores documents so a reviewer sees index updates in the ledger. */
export function searchStub(baseUrl: string, o: StubOptions): HttpHandler[] {
  const api = vendorStub('search', baseUrl, { ledger: o.ledger, latencyMs: o.latencyMs });
  const docs = new Map<string, unknown>();
  return [
    api.put('/1/indexes/:index/:objectID', ({ params, json }) => {
      docs.set(`${params.index}/${params.objectID}`, json);
      return {
        json: { objectID: params.objectID, updatedAt: new Date(o.clock.nowMs()).toISOString(), taskID: docs.size },
      };
    }),
    api.delete('/1/indexes/:index/:objectID', ({ params }) => {
      docs.delete(`${params.index}/${params.objectID}`);
      return { json: { deletedAt: new Date(o.clock.nowMs()).toISOString(), taskID: docs.size } };
    }),
  ];
}

/**
 * Customers' webhook endpoints all live under the reserved `.test` TLD. Each endpoint fails at
 * the scenario's rate, so retries and backoff get exercised.
 */
export function webhookStub(o: StubOptions): HttpHandler[] {
  const api = vendorStub('webhooks', 'https://hooks.test', { ledger: o.ledger, latencyMs: o.latencyMs });
  const attempts = new Map<string, number>();
  const handler = api.post('https://*.test/*', ({ text, json }) => {
    const eventId = String(json?.id ?? text);
    const attempt = (attempts.get(eventId) ?? 0) + 1;
    attempts.set(eventId, attempt);
    const fail = o.rng.fork('webhook-fail', eventId, attempt).chance(o.scenario.vendors.webhooks.failureRate.value);
    return fail ? { status: 503, json: { error: 'upstream unavailable' } } : { json: { received: text.length > 0 } };
  });
  return [handler];
}
