import { vendorStub, type RandomStream, type SideEffectLedger } from 'facade-sim';

/** The app's production configuration, with obviously fake credentials (live-looking keys are refused). */
export const paymentsConfig = { baseUrl: 'https://api.payments.example', apiKey: 'sk_test_sim_storefront' };

/** The payment provider, as MSW handlers: declines a scenario-given share of charges. */
export function paymentsStub(o: {
  rng: RandomStream;
  ledger: SideEffectLedger;
  declineRate: number;
  latencyMs?: () => number;
}) {
  const stub = vendorStub('payments', paymentsConfig.baseUrl, { ledger: o.ledger, latencyMs: o.latencyMs });
  return [
    stub.post('/v1/charges', ({ json }) => {
      const reference = String(json?.reference ?? '');
      // Drawn per order, so the outcome does not depend on which other charges ran first.
      const declined = o.rng.fork(reference).chance(o.declineRate);
      return declined
        ? { status: 402, json: { error: 'card_declined' } }
        : { json: { id: `ch_${o.rng.fork(reference, 'id').hex(16)}`, status: 'succeeded' } };
    }),
  ];
}
