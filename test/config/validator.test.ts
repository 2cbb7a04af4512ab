import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, ConfigErrors, loadYaml, t, validate } from '../../engine/config/index.ts';
import { SAMPLE_YAML, sampleSchema, type SampleScenario } from './sample-validator.ts';

const FILE = 'scenarios/foo.yaml';
const load = (text: string) => validate(sampleSchema, loadYaml(text, FILE), FILE);
function refusal(text: string): ConfigErrors {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigErrors);
    return e as ConfigErrors;
  }
  throw new Error('expected validation to fail');
}

describe('validate: a schema turns loaded YAML into a typed value or file:line:col errors', () => {
  it('returns the typed value, with defaults filled in', () => {
    const scenario = load(SAMPLE_YAML);
    expectTypeOf(scenario).toEqualTypeOf<SampleScenario>();
    expectTypeOf(scenario.population.churn.value).toBeNumber();
    expectTypeOf(scenario.tags).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(scenario.plans.default).toEqualTypeOf<'starter' | 'team'>();
    expect(scenario.enabled).toBe(true);
    expect(scenario.start).toBe('2026-02-20');
    expect(scenario.population.arrivals.size).toEqual({
      kind: 'lognormal',
      median: 3,
      sigma: 0.8,
      note: 'guess from the pricing page',
    });
    expect(scenario.plans.mix).toEqual({ starter: 5, team: 3 });
  });

  it('reports a wrong value with the position of the value', () => {
    const e = refusal(SAMPLE_YAML.replace('perWeekday: 12.5', 'perWeekday: many'));
    expect(e.message).toBe(
      'scenarios/foo.yaml:8:17: population.arrivals.perWeekday: expected a number between 0 and 1000, got "many"',
    );
    expect([e.line, e.column, e.path]).toEqual([8, 17, 'population.arrivals.perWeekday']);
  });

  it('reports unknown keys at the key, with did-you-mean, at any depth', () => {
    // The renamed key is also reported missing, at its parent mapping.
    expect(refusal(SAMPLE_YAML.replace('seed: 42', 'seeed: 42')).message.split('\n')).toContain(
      "scenarios/foo.yaml:2:1: seeed: unknown key 'seeed' (did you mean 'seed'?)",
    );
    expect(refusal(SAMPLE_YAML.replace('    perWeekday', '    perWeekdy')).message.split('\n')).toContain(
      "scenarios/foo.yaml:8:5: population.arrivals.perWeekdy: unknown key 'perWeekdy' (did you mean 'perWeekday'?)",
    );
  });

  it('collects every problem, sorted by line, as ConfigErrors', () => {
    const e = refusal(
      SAMPLE_YAML.replace('days: 45', 'days: 0042').replace('seed: 42', 'seed: -1').replace('live: false', 'live: no'),
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.errors.map((x) => `${x.line}:${x.column}: ${x.problem}`)).toEqual([
      '2:7: expected a whole number >= 0, got -1',
      '4:7: ambiguous number "0042": quote it or remove leading zeros',
      '19:11: YAML 1.1 boolean "no" is a string in YAML 1.2: write true or false',
    ]);
  });

  it('reports at most 20 problems', () => {
    const s = t.object({ list: t.array(t.number()) });
    const text = `list: [${Array(25).fill('x').join(', ')}]\n`;
    const message = (() => {
      try {
        validate(s, loadYaml(text, FILE), FILE);
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    expect(message.split('\n')).toHaveLength(21);
    expect(message).toMatch(/… and 5 more$/);
  });

  it('every rate and distribution carries a note', () => {
    expect(refusal(SAMPLE_YAML.replace(', note: "industry average, 2024 survey"', '')).message).toBe(
      "scenarios/foo.yaml:10:10: population.churn: missing key 'note' (a note on where the number comes from)",
    );
    const d = t.object({ d: t.distribution() });
    // A weighted mix names categories, not numbers: it is t.weighted(), never a number distribution.
    expect(() => validate(d, loadYaml('d: { kind: weighted, weights: { a: 1 }, note: "deck" }\n', FILE), FILE)).toThrow(
      new RegExp(
        'd\\.kind: expected kind to be one of ' +
          'constant, uniform, lognormal, pareto, poisson, empirical, histogram, got "weighted"',
      ),
    );
    const mix = t.object({ m: t.weighted({ keys: ['a', 'b'], keyHint: 'plan' }) });
    const ok = validate(
      mix,
      loadYaml('m: { kind: weighted, weights: { a: 1, b: 2 }, note: "sales deck" }\n', FILE),
      FILE,
    );
    expect(ok.m).toEqual({ kind: 'weighted', weights: { a: 1, b: 2 }, note: 'sales deck' });
    expect(() => validate(mix, loadYaml('m: { kind: weighted, weights: { aa: 1 }, note: "x" }\n', FILE), FILE)).toThrow(
      "scenarios/foo.yaml:1:33: m.weights.aa: unknown plan 'aa' (did you mean 'a'?)",
    );
    expect(() => validate(d, loadYaml('d: { kind: uniform, min: 5, max: 1, note: "x" }\n', FILE), FILE)).toThrow(
      'scenarios/foo.yaml:1:34: d.max: max (1) is below min (5)',
    );
  });

  it('unions pick the alternative that got furthest; literals and dates are checked', () => {
    const s = t.object({
      when: t.union([t.literal('never'), t.date()]),
      size: t.union([t.number(), t.object({ min: t.number(), max: t.number() })]),
    });
    expect(validate(s, loadYaml('when: never\nsize: 3\n', FILE), FILE)).toEqual({ when: 'never', size: 3 });
    expect(() => validate(s, loadYaml('when: 2026-13-01\nsize: { min: 1, max: x }\n', FILE), FILE)).toThrow(
      'scenarios/foo.yaml:1:7: when: expected "never" or an ISO date like 2026-02-20 ' +
        'or a date-time with a zone like "2026-02-20T09:30:00Z", got "2026-13-01"\n' +
        'scenarios/foo.yaml:2:22: size.max: expected a number, got "x"',
    );
  });
});
