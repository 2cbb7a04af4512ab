import { defineScenarioFormat, distribution, rate, t, type Scenario } from 'facade-sim';

/** The storefront's own sections of a scenario file; the engine adds name, seed, start, days, … */
const sections = {
  catalogue: t.object({
    products: t.number({ integer: true, min: 1, max: 1000 }),
    priceCents: distribution(),
  }),
  shoppers: t.object({
    initial: t.number({ integer: true, min: 0, max: 10_000 }),
    /** New shoppers a day (a Poisson mean). */
    arrivalsPerDay: t.number({ min: 0, max: 10_000 }),
    /** Chance a shopper orders on a given day. */
    orderRate: rate(),
    itemsPerOrder: distribution(),
  }),
  payments: t.object({ declineRate: rate() }),
};

export const storefrontScenarioFormat = defineScenarioFormat(sections);
export type StorefrontScenario = Scenario<typeof sections>;
