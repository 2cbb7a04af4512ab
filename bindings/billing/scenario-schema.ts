import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import {
  ConfigError,
  distribution,
  loadYaml,
  rate,
  t,
  validate,
  weighted,
  DEFAULT_LIMITS,
} from '../../engine/config/index.ts';
import type { LoadedScenario } from '../../engine/index.ts';
import type { BillingScenario } from './scenario-types.ts';

const note = t.string({ minLength: 3, patternHint: 'a note on where the number comes from' });
const weekday = t.number({ min: 0, max: 10 });
const PLAN_CODES = ['starter', 'team', 'business', 'enterprise'];
const CURRENCIES = ['USD', 'EUR', 'GBP'];
const LOCALES = [
  'en',
  'en_GB',
  'de',
  'fr',
  'es',
  'pt_BR',
  'ja',
  'zh_CN',
  'ko',
  'ar',
  'ru',
  'he',
  'el',
  'vi',
  'tr',
  'uk',
];

/** The billing scenario file format (YAML 1.2). Every rate and distribution carries a note. */
export const billingScenarioSchema = t.object({
  name: t.string({
    pattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
    patternHint: 'a lowercase name like baseline-45d (it names the snapshot directory)',
  }),
  description: t.optional(t.string({ maxLength: 500 })),
  seed: t.string({ minLength: 1, maxLength: 64, patternHint: 'a seed: a whole number or a short string' }),
  start: t.instant(),
  days: t.number({ integer: true, min: 1, max: 3660 }),
  timezone: t.enum(['UTC']),
  population: t.object({
    initialTenants: t.object({ value: t.number({ integer: true, min: 0, max: 100_000 }), note }),
    arrivalsPerDay: distribution(),
    weekdayWeights: t.object({
      mon: weekday,
      tue: weekday,
      wed: weekday,
      thu: weekday,
      fri: weekday,
      sat: weekday,
      sun: weekday,
      note,
    }),
  }),
  tenantSize: t.object({ seats: distribution(), usersPerSeat: distribution() }),
  plans: t.object({
    mix: weighted(),
    currencies: weighted(),
    annualShare: rate(),
    trialShare: rate(),
    trialDays: t.number({ integer: true, min: 1, max: 90 }),
    couponShare: rate(),
  }),
  behaviour: t.object({
    inviteUser: rate(),
    changeRole: rate(),
    deactivateUser: rate(),
    seatChange: rate(),
    upgrade: rate(),
    downgrade: rate(),
    churn: rate(),
    cancelImmediately: rate(),
    reactivate: rate(),
    cardReplacement: rate(),
    supportNote: rate(),
    refund: rate(),
    webhookEndpoint: rate(),
    signInsPerUserPerDay: distribution(),
  }),
  usage: t.object({
    metrics: t.record(distribution(), {
      keyPattern: /^[a-z][a-z0-9_]{0,40}$/,
      keyHint: 'a metric name like api_calls',
      minKeys: 1,
    }),
  }),
  vendors: t.object({
    payments: t.object({
      declineRate: rate(),
      outages: t.array(t.object({ start: t.instant(), end: t.instant(), note }), { maxItems: 100 }),
    }),
    email: t.object({ failureRate: rate() }),
    webhooks: t.object({ failureRate: rate() }),
  }),
  tenantOverrides: t.optional(
    t.record(
      t.object({
        seats: t.optional(t.number({ integer: true, min: 1, max: 1_000_000 })),
        plan: t.optional(t.enum(PLAN_CODES as ['starter'])),
      }),
      { keyPattern: /^(t\d+|a\d+\.\d+)$/, keyHint: 'a tenant label like t3 or a12.0' },
    ),
  ),
  quirks: t.object({
    locales: weighted(),
    caseVariantDuplicateEmails: rate(),
    nulls: rate(),
    maxLengthStrings: rate(),
    edgeTimestamps: rate(),
    badCards: rate(),
  }),
});

/**
 * Reads and validates a scenario file. Every problem is reported with file:line:column, the path,
 * what was expected and, for unknown keys, a did-you-mean; nothing is touched before this passes.
 */
export function loadBillingScenario(file: string): LoadedScenario<BillingScenario> {
  let text: string;
  try {
    if (statSync(file).size > DEFAULT_LIMITS.maxBytes) {
      throw new ConfigError([
        { file, line: 1, column: 1, path: '', problem: `file is larger than ${DEFAULT_LIMITS.maxBytes} bytes` },
      ]);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        problem: `cannot read scenario file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      },
    ]);
  }
  const loaded = loadYaml(text, file);
  // seed: a whole number or a string; normalise before the strict schema sees it.
  const raw = loaded.value as Record<string, unknown>;
  if (typeof raw.seed === 'number' && Number.isSafeInteger(raw.seed) && raw.seed >= 0) raw.seed = String(raw.seed);
  const value = validate(billingScenarioSchema, loaded, file) as unknown as BillingScenario;
  const problems = [];
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  if (value.name !== expectedName) {
    problems.push({
      file,
      ...loaded.locate(['name']),
      path: 'name',
      problem: `name '${value.name}' must match the file name '${expectedName}' (it names the snapshot directory)`,
    });
  }
  for (const [key, allowed, what] of [
    [['plans', 'mix'], PLAN_CODES, 'plan'],
    [['plans', 'currencies'], CURRENCIES, 'currency'],
    [['quirks', 'locales'], LOCALES, 'locale'],
  ] as const) {
    const w = key.reduce((o: any, k) => o?.[k], value as any)?.weights ?? {};
    for (const k of Object.keys(w)) {
      if (!(allowed as readonly string[]).includes(k)) {
        problems.push({
          file,
          ...loaded.locateKey([...key, 'weights', k]),
          path: `${key.join('.')}.weights.${k}`,
          problem: `unknown ${what} '${k}'; expected one of ${allowed.join(', ')}`,
        });
      }
    }
  }
  for (const [i, w] of value.vendors.payments.outages.entries()) {
    if (Date.parse(w.end) <= Date.parse(w.start)) {
      problems.push({
        file,
        ...loaded.locate(['vendors', 'payments', 'outages', i, 'end']),
        path: `vendors.payments.outages[${i}].end`,
        problem: 'outage ends before it starts',
      });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    file,
    name: value.name,
    seed: /^\d+$/.test(String(value.seed)) ? Number(value.seed) : value.seed,
    startMs: Date.parse(value.start),
    days: value.days,
    historyDays: 0,
    hash: 'sha256:' + createHash('sha256').update(text).digest('hex'),
    value,
  };
}
