import type { HttpHandler } from 'msw';
import { vendorStub, type RandomStream, type SimClock, type SideEffectLedger } from '../../../engine/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';

/** Stripe's documented test cards: these always decline, whatever the decline rate. */
const ALWAYS_DECLINE = new Set(['4000000000000002', '4000000000009995']);

/** The card network of a number, by its issuer prefix. */
function brandOf(n: string): string {
  if (n.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(n)) return 'mastercard';
  if (/^3[47]/.test(n)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(n)) return 'discover';
  if (n.startsWith('35')) return 'jcb';
  if (n.startsWith('62')) return 'unionpay';
  if (/^3(0[0-5]|[689])/.test(n)) return 'diners';
  return 'unknown';
}

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
  // Vendor ids and decisions derive from the request's idempotency key, never from a global
  // counter: one tenant's calls must not rename another tenant's charges, in any shard. A request
  // without a key is refused, as this app always sends one.
  const id = (prefix: string, key: string) => `${prefix}_${o.rng.fork('ids', prefix, key).hex(24)}`;
  const keyOf = (headers: Headers) => headers.get('idempotency-key');
  const missingKey = {
    status: 400,
    json: { error: { type: 'invalid_request_error', message: 'this stub needs an Idempotency-Key on every POST' } },
  };
  const inOutage = () => {
    const now = o.clock.nowMs();
    return o.scenario.vendors.payments.outages.some((w) => now >= Date.parse(w.start) && now < Date.parse(w.end));
  };
  return [
    api.post('/v1/payment_methods', ({ json, headers }) => {
      const key = keyOf(headers);
      if (!key) return missingKey;
      if (inOutage()) return { status: 503, json: { error: { type: 'api_error', message: 'Service unavailable' } } };
      const card = json?.card;
      if (!card?.number) {
        return { status: 400, json: { error: { type: 'invalid_request_error', message: 'card.number required' } } };
      }
      const pm = id('pm', key);
      cards.set(pm, { number: String(card.number), expMonth: Number(card.exp_month), expYear: Number(card.exp_year) });
      // The app sends one test number per brand; each customer's card still gets last four
      // digits of its own, as different customers' cards have.
      const declining = ALWAYS_DECLINE.has(String(card.number));
      const last4 = declining
        ? String(card.number).slice(-4)
        : String(o.rng.fork('last4', key).int(0, 9999)).padStart(4, '0');
      return {
        json: {
          id: pm,
          card: {
            brand: brandOf(String(card.number)),
            last4,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
          },
        },
      };
    }),
    api.post('/v1/payment_intents', ({ json, headers }) => {
      const key = keyOf(headers);
      if (!key) return missingKey;
      if (intents.has(key)) return intents.get(key)!;
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
      else if (o.rng.fork('decline', key).chance(o.scenario.vendors.payments.declineRate.value)) {
        reply = decline('card_declined', 'insufficient_funds');
      } else {
        const pi = id('pi', key);
        charged.set(pi, Number(json?.amount ?? 0));
        reply = { status: 200, json: { id: pi, status: 'succeeded', amount: json?.amount, currency: json?.currency } };
      }
      intents.set(key, reply);
      return reply;
    }),
    api.post('/v1/refunds', ({ json, headers }) => {
      const key = keyOf(headers);
      if (!key) return missingKey;
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
      return { json: { id: id('re', key), status: 'succeeded', amount } };
    }),
  ];
}
