import { t, type Infer } from '../../engine/config/index.ts';

/** A small scenario-shaped schema used by the config tests and the bad-yaml corpus. */
export const sampleSchema = t.object({
  name: t.string({ pattern: /^[a-z][a-z0-9-]*$/, patternHint: 'a lowercase name like baseline' }),
  seed: t.number({ integer: true, min: 0 }),
  start: t.date(),
  days: t.number({ integer: true, min: 1, max: 3660 }),
  enabled: t.optional(t.boolean(), true),
  tags: t.optional(t.array(t.string(), { maxItems: 5 })),
  population: t.object({
    arrivals: t.object({ perWeekday: t.number({ min: 0, max: 1000 }), size: t.distribution() }),
    churn: t.rate(),
  }),
  plans: t.object({
    mix: t.record(t.number({ min: 0 }), { keyPattern: /^[a-z]+$/, keyHint: 'a lowercase plan code' }),
    default: t.enum(['starter', 'team']),
  }),
  vendors: t.optional(t.object({ payments: t.object({ declineRate: t.rate(), live: t.boolean() }) })),
});

export type SampleScenario = Infer<typeof sampleSchema>;

export const SAMPLE_YAML = `name: baseline
seed: 42
start: 2026-02-20
days: 45
tags: [a, b]
population:
  arrivals:
    perWeekday: 12.5
    size: { kind: lognormal, median: 3, sigma: 0.8, note: "guess from the pricing page" }
  churn: { value: 0.02, note: "industry average, 2024 survey" }
plans:
  mix: { starter: 5, team: 3 }
  default: starter
vendors:
  payments:
    declineRate:
      value: 0.03
      note: "Stripe docs"
    live: false
`;
