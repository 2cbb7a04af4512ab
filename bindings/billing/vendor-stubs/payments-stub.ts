import type { HttpHandler } from 'msw';
import { vendorStub, type RandomStream, type SimClock, type SideEffectLedger } from '../../../engine/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';

/** Stripe's documented test cards: these always decline, whatever the decline rate. */
const ALWAYS_DECLINE = new Set(['4000000000000002', '4000000000009995']);

/**
 * A stateful, seeded payment provider: tokenises cards, charges with idempotency keys (a retried
 * key returns the first answer, as Stripe does), declines at the scenario's rate, and answers 503
 * inside the scenario's outage windows.
 */
export function paymentsStub(o: {
  baseUrl: string;
  scenario: BillingScenario;
  rng: RandomStream;
  clock: SimClock;
  ledger: SideEffectLedger;
  latencyMs?: () => number;
}): HttpHandler[] {
  const api = vendorStub('payments', o.baseUrl, { ledger: o.ledger, latencyMs: o.latencyMs });
  const cards = new Map<string, { number: string; expMonth: number; expYear: number }>();
  const intents = new Map<string, { status: number; json: unknown }>();
  const charged = new Map<string, number>();
  // Vendor ids derive from the request itself (idempotency key, or time plus a per-instant counter),
  // never from a global counter: one tenant's extra calls must not rename another tenant's charges.
  let instantMs = -1;
  let atInstant = 0;
  const id = (prefix: string, key?: string) => {
    const now = o.clock.nowMs();
    if (now !== instantMs) [instantMs, atInstant] = [now, 0];
    return `${prefix}_${o.rng.fork('ids', prefix, key ?? `${now}:${atInstant++}`).hex(24)}`;
  };
  const inOutage = () => {
    const now = o.clock.nowMs();
    return o.scenario.vendors.payments.outages.some((w) => now >= Date.parse(w.start) && now < Date.parse(w.end));
  };
  const brand = (n: string) =>
    n.startsWith('4') ? 'visa' : n.startsWith('5') ? 'mastercard' : n.startsWith('3') ? 'amex' : 'unknown';
  return [
    api.post('/v1/payment_methods', ({ json }) => {
      if (inOutage()) return { status: 503, json: { error: { type: 'api_error', message: 'Service unavailable' } } };
      const card = json?.card;
      if (!card?.number) {
        return { status: 400, json: { error: { type: 'invalid_request_error', message: 'card.number required' } } };
      }
      const pm = id('pm');
      cards.set(pm, { number: String(card.number), expMonth: Number(card.exp_month), expYear: Number(card.exp_year) });
      return {
        json: {
          id: pm,
          card: {
            brand: brand(String(card.number)),
            last4: String(card.number).slice(-4),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
          },
        },
      };
    }),
    api.post('/v1/payment_intents', ({ json, headers }) => {
      const key = headers.get('idempotency-key');
      if (key && intents.has(key)) return intents.get(key)!;
      if (inOutage()) return { status: 503, json: { error: { type: 'api_error', message: 'Service unavailable' } } };
      const card = cards.get(String(json?.payment_method));
      let reply: { status: number; json: unknown };
      const now = new Date(o.clock.nowMs());
      const expired =
        card &&
        (card.expYear < now.getUTCFullYear() ||
          (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1));
      const decline = (code: string, declineCode: string) => ({
        status: 402,
        json: { error: { type: 'card_error', code, decline_code: declineCode } },
      });
      if (!card) {
        reply = {
          status: 400,
          json: {
            error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_method' },
          },
        };
      } else if (expired) reply = decline('expired_card', 'expired_card');
      else if (ALWAYS_DECLINE.has(card.number)) reply = decline('card_declined', 'generic_decline');
      else if (o.rng.fork('decline', key ?? id('nokey')).chance(o.scenario.vendors.payments.declineRate.value)) {
        reply = decline('card_declined', 'insufficient_funds');
      } else {
        const pi = id('pi', key ?? undefined);
        charged.set(pi, Number(json?.amount ?? 0));
        reply = { status: 200, json: { id: pi, status: 'succeeded', amount: json?.amount, currency: json?.currency } };
      }
      if (key) intents.set(key, reply);
      return reply;
    }),
    api.post('/v1/refunds', ({ json }) => {
      if (inOutage()) return { status: 503, json: { error: { type: 'api_error', message: 'Service unavailable' } } };
      const pi = String(json?.payment_intent);
      const amount = Number(json?.amount ?? charged.get(pi) ?? 0);
      if (!charged.has(pi)) {
        return {
          status: 400,
          json: {
            error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' },
          },
        };
      }
      if (amount > charged.get(pi)!) {
        return { status: 400, json: { error: { type: 'invalid_request_error', code: 'amount_too_large' } } };
      }
      charged.set(pi, charged.get(pi)! - amount);
      return { json: { id: id('re'), status: 'succeeded', amount } };
    }),
  ];
}
