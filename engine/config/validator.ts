import { ConfigErrors, type ConfigProblem } from './config-error.ts';
import type { LoadedYaml, YamlPath } from './load-yaml.ts';

type Path = YamlPath;

interface Ctx {
  problems: ConfigProblem[];
  loaded: LoadedYaml;
  file: string;
}

/** A validator: checks a value at a path, records problems with positions, returns the value. */
export interface Validator<T = unknown> {
  /** How the expected value is described in messages ("a number between 0 and 1"). */
  readonly expected: string;
  readonly optional?: boolean;
  readonly defaultValue?: unknown;
  readonly description?: string;
  check(value: unknown, path: Path, ctx: Ctx): T;
}

/** A key that may be absent (and has no default): its object property becomes `key?: T`. */
export interface OptionalValidator<T> extends Validator<T | undefined> {
  readonly optional: true;
}

/** The TypeScript type a validator accepts: `type Scenario = Infer<typeof scenarioValidator>`. */
export type Infer<S> = S extends Validator<infer T> ? T : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type a shape of validators accepts (optional keys become `key?: T`). */
export type InferShape<S extends Record<string, Validator<any>>> = ObjectOf<S>;
type ObjectOf<S extends Record<string, Validator<any>>> = Simplify<
  { [K in keyof S as S[K] extends OptionalValidator<any> ? never : K]: Infer<S[K]> } & {
    [K in keyof S as S[K] extends OptionalValidator<any> ? K : never]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

const show = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)
    : Array.isArray(v)
      ? 'a list'
      : v === null || v === undefined
        ? 'nothing (empty value)'
        : typeof v === 'object'
          ? 'a mapping'
          : String(v);

/** What the user wrote, when the parsed value would hide it (`0042` parses as 42). */
const got = (v: unknown, path: Path, ctx: Ctx): string => {
  if (typeof v === 'number') {
    const src = ctx.loaded.sourceOf(path);
    if (src) return src;
  }
  return show(v);
};

export const formatPath = (path: Path) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function report(ctx: Ctx, path: Path, problem: string, atKey = false) {
  const pos = atKey ? ctx.loaded.locateKey(path) : ctx.loaded.locate(path);
  ctx.problems.push({ file: ctx.file, line: pos.line, column: pos.column, path: formatPath(path), problem });
}

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known name closest to a typo: same name modulo case/`_`/`-` (snake_case for camelCase), else
 * the nearest within edit distance 2 — further than that, a suggestion is more confusing than none.
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const same = known.find((k) => norm(k) === norm(key));
  if (same !== undefined) return same;
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d || (d === best.d && k < best.k))) best = { k, d };
  }
  return best?.k;
}

/**
 * Plain decimal as a person writes it (`1e3` too); `0x1F` and `0o17` mean different things to YAML 1.1 and 1.2 tools.
 */
const DECIMAL_SOURCE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const YAML11_BOOLEAN = /^(y|n|yes|no|on|off)$/i;
const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

function number(o: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> {
  const range =
    o.min !== undefined && o.max !== undefined
      ? ` between ${o.min} and ${o.max}`
      : o.min !== undefined
        ? ` >= ${o.min}`
        : o.max !== undefined
          ? ` <= ${o.max}`
          : '';
  const expected = `${o.integer ? 'a whole number' : 'a number'}${range}`;
  return {
    expected,
    check(v, path, ctx) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        let hint = '';
        if (typeof v === 'string' && YAML11_BOOLEAN.test(v)) {
          hint = ' (YAML 1.1 would have read this as a boolean; YAML 1.2 reads a string)';
        } else if (typeof v === 'string' && DATE.test(v.slice(0, 10))) {
          hint = ' (an unquoted date is a string, not a number)';
        }
        report(ctx, path, `expected ${expected}, got ${typeof v === 'number' ? got(v, path, ctx) : show(v)}${hint}`);
        return v as number;
      }
      // The 1.2 core schema reads `0042` as 42 and `0o17` as 15; YAML 1.1 tools read them as octal. Refuse both.
      const src = ctx.loaded.sourceOf(path);
      if (src !== undefined && /^[-+]?0\d+$/.test(src)) {
        report(ctx, path, `ambiguous number ${JSON.stringify(src)}: quote it or remove leading zeros`);
      } else if (src !== undefined && !DECIMAL_SOURCE.test(src)) {
        report(
          ctx,
          path,
          `ambiguous number ${JSON.stringify(src)}: write it in plain decimal (YAML 1.1 and 1.2 read octal/hex ` +
            `forms differently)`,
        );
      } else if (src !== undefined && /^[-+]?0\d/.test(src)) {
        report(ctx, path, `ambiguous number ${JSON.stringify(src)}: quote it or remove leading zeros`);
      } else if (o.integer && !Number.isInteger(v)) report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      else if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)) {
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      }
      return v;
    },
  };
}

function string(
  o: { minLength?: number; maxLength?: number; pattern?: RegExp; patternHint?: string } = {},
): Validator<string> {
  const expected = o.patternHint ?? 'a string';
  return {
    expected,
    check(v, path, ctx) {
      if (typeof v !== 'string') report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      else if (o.minLength !== undefined && v.length < o.minLength) {
        report(
          ctx,
          path,
          o.minLength === 1
            ? `expected ${expected}, got an empty string`
            : `expected ${expected} of at least ${o.minLength} characters, got ${show(v)}`,
        );
      } else if (o.maxLength !== undefined && v.length > o.maxLength) {
        report(ctx, path, `expected ${expected} of at most ${o.maxLength} characters, got ${v.length}`);
      } else if (o.pattern && !o.pattern.test(v)) {
        report(ctx, path, `expected ${o.patternHint ?? `a string matching ${o.pattern}`}, got ${show(v)}`);
      }
      return v as string;
    },
  };
}

function boolean(): Validator<boolean> {
  return {
    expected: 'true or false',
    check(v, path, ctx) {
      if (typeof v === 'string' && YAML11_BOOLEAN.test(v) && ctx.loaded.sourceOf(path) !== undefined) {
        report(ctx, path, `YAML 1.1 boolean ${JSON.stringify(v)} is a string in YAML 1.2: write true or false`);
      } else if (typeof v !== 'boolean') report(ctx, path, `expected true or false, got ${got(v, path, ctx)}`);
      return v as boolean;
    },
  };
}

function enumOf<const V extends string>(values: readonly V[]): Validator<V> {
  const expected = `one of ${values.map((x) => `'${x}'`).join(', ')}`;
  return {
    expected,
    check(v, path, ctx) {
      if (typeof v !== 'string' || !values.includes(v as V)) {
        const hint = typeof v === 'string' ? didYouMean(v, values) : undefined;
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}${hint ? ` (did you mean '${hint}'?)` : ''}`);
      }
      return v as V;
    },
  };
}

function literal<const V extends string | number | boolean | null>(value: V): Validator<V> {
  const expected = JSON.stringify(value);
  return {
    expected,
    check(v, path, ctx) {
      if (v !== value) report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      return v as V;
    },
  };
}

/** A calendar date "2026-02-20" or an instant with a zone; a local time without a zone would differ per machine. */
function date(): Validator<string> {
  const expected = 'an ISO date like 2026-02-20 or a date-time with a zone like "2026-02-20T09:30:00Z"';
  return {
    expected,
    check(v, path, ctx) {
      const m = typeof v === 'string' ? (DATE.exec(v) ?? DATETIME.exec(v)) : null;
      if (!m) report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      else if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        report(ctx, path, `${show(v)} is not a real date`);
      }
      return v as string;
    },
  };
}

/**
 * An ISO-8601 instant with a zone, e.g. "2026-02-20T00:00:00Z" (quoted or plain). Kept for scenario loaders that need a
 * time, not a day.
 */
function instant(): Validator<string> {
  const expected = 'an ISO-8601 instant with a zone, e.g. "2026-02-20T00:00:00Z"';
  return {
    expected,
    check(v, path, ctx) {
      const m = typeof v === 'string' ? DATETIME.exec(v) : null;
      if (!m) report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      else if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        report(ctx, path, `${show(v)} is not a real date`);
      }
      return v as string;
    },
  };
}

/** An IANA time zone name ("Europe/Berlin", "UTC"), as the Intl API of this Node knows them. */
function timezone(): Validator<string> {
  const expected = 'an IANA time zone name like "Europe/Berlin" or "UTC"';
  return {
    expected,
    check(v, path, ctx) {
      if (typeof v !== 'string' || !isTimeZone(v)) {
        const hint = typeof v === 'string' ? didYouMean(v, knownTimeZones()) : undefined;
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}${hint ? ` (did you mean '${hint}'?)` : ''}`);
      }
      return v as string;
    },
  };
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const knownTimeZones = (): string[] => ['UTC', ...Intl.supportedValuesOf('timeZone')];

function array<T>(item: Validator<T>, o: { minItems?: number; maxItems?: number } = {}): Validator<T[]> {
  return {
    expected: `a list of ${item.expected}`,
    check(v, path, ctx) {
      if (!Array.isArray(v)) {
        report(ctx, path, `expected a list of ${item.expected}, got ${got(v, path, ctx)}`);
        return v as T[];
      }
      if (o.minItems !== undefined && v.length < o.minItems) {
        report(ctx, path, `expected at least ${o.minItems} item(s), got ${v.length}`);
      }
      if (o.maxItems !== undefined && v.length > o.maxItems) {
        report(ctx, path, `expected at most ${o.maxItems} item(s), got ${v.length}`);
      }
      return v.map((x, i) => item.check(x, [...path, i], ctx));
    },
  };
}

function object<S extends Record<string, Validator<any>>>(
  shape: S,
  o: { refine?: (value: ObjectOf<S>, report: (path: Path, problem: string) => void) => void } = {},
): Validator<ObjectOf<S>> {
  const known = Object.keys(shape);
  const expected = `a mapping with ${known.slice(0, 4).join(', ')}${known.length > 4 ? ', …' : ''}`;
  return {
    expected,
    check(v, path, ctx) {
      if (!isMapping(v)) {
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
        return v as ObjectOf<S>;
      }
      const before = ctx.problems.length;
      const out: Record<string, unknown> = {};
      // Unknown keys are errors at every depth: a typo'd optional key would otherwise be silently ignored.
      for (const key of Object.keys(v)) {
        if (has(shape, key)) continue;
        const hint = didYouMean(key, known);
        report(
          ctx,
          [...path, key],
          `unknown key '${key}'${hint ? ` (did you mean '${hint}'?)` : `; expected one of ${known.join(', ')}`}`,
          true,
        );
      }
      for (const key of known) {
        const s = shape[key]!;
        if (!has(v, key)) {
          if (!s.optional) report(ctx, path, `missing key '${key}' (${s.description ?? s.expected})`);
          else if (s.defaultValue !== undefined) out[key] = structuredClone(s.defaultValue);
          continue;
        }
        out[key] = s.check(v[key], [...path, key], ctx);
      }
      // Cross-field rules only make sense once each field is well-formed.
      if (ctx.problems.length === before) {
        o.refine?.(out as ObjectOf<S>, (p, problem) => report(ctx, [...path, ...p], problem));
      }
      return out as ObjectOf<S>;
    },
  };
}

function record<T>(
  value: Validator<T>,
  o: { keyPattern?: RegExp; keyHint?: string; minKeys?: number; keys?: readonly string[] } = {},
): Validator<Record<string, T>> {
  const expected = `a mapping of ${o.keyHint ?? 'names'} to ${value.expected}`;
  return {
    expected,
    check(v, path, ctx) {
      if (!isMapping(v)) {
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
        return v as Record<string, T>;
      }
      const out: Record<string, T> = {};
      const keys = Object.keys(v);
      if (o.minKeys !== undefined && keys.length < o.minKeys) {
        report(ctx, path, `expected at least ${o.minKeys} entr${o.minKeys === 1 ? 'y' : 'ies'}`);
      }
      for (const key of keys) {
        if (o.keyPattern && !o.keyPattern.test(key)) {
          report(ctx, [...path, key], `key '${key}' is not ${o.keyHint ?? `a name matching ${o.keyPattern}`}`, true);
        } else if (o.keys && !o.keys.includes(key)) {
          const hint = didYouMean(key, o.keys);
          const known = `expected one of ${o.keys.join(', ')}`;
          report(
            ctx,
            [...path, key],
            `unknown ${o.keyHint ?? 'key'} '${key}'${hint ? ` (did you mean '${hint}'?)` : `; ${known}`}`,
            true,
          );
        }
        out[key] = value.check(v[key], [...path, key], ctx);
      }
      return out;
    },
  };
}

function optional<T>(s: Validator<T>): OptionalValidator<T>;
function optional<T>(s: Validator<T>, defaultValue: NoInfer<T>): Validator<T>;
function optional<T>(s: Validator<T>, defaultValue?: T): Validator<T | undefined> {
  return {
    expected: s.expected,
    description: s.description,
    optional: true,
    defaultValue,
    check: (v, p, c) => s.check(v, p, c),
  };
}

function describe<T, S extends Validator<T>>(s: S, text: string): S {
  return { ...s, description: text, check: (v: unknown, p: Path, c: Ctx) => s.check(v, p, c) } as S;
}

/**
 * The first alternative that accepts the value wins. Otherwise the "best" error is the one of the
 * alternative that got furthest: fewest problems, where a wrong literal/tag counts as a mismatch of
 * the whole alternative rather than a small mistake in it.
 */
function union<const U extends readonly Validator<any>[]>(alternatives: U): Validator<Infer<U[number]>> {
  const expected = alternatives.map((a) => a.expected).join(' or ');
  return {
    expected,
    check(v, path, ctx) {
      let best: { problems: ConfigProblem[]; score: number } | undefined;
      for (const alt of alternatives) {
        const sub: Ctx = { ...ctx, problems: [] };
        const out = alt.check(v, path, sub);
        if (sub.problems.length === 0) return out;
        const here = formatPath(path);
        // A problem at the union's own path means "this alternative is the wrong shape altogether".
        const score = sub.problems.reduce((n, p) => n + (p.path === here ? 100 : 1), 0);
        if (!best || score < best.score) best = { problems: sub.problems, score };
      }
      if (best && best.score >= 100) report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
      else ctx.problems.push(...(best?.problems ?? []));
      return v as Infer<U[number]>;
    },
  };
}

/**
 * Alternatives picked by a tag key (`kind: uniform`): errors are then about the chosen variant,
 * and a wrong tag gets a did-you-mean, which a plain union cannot give.
 */
function tagged<S extends Record<string, Validator<any>>>(tag: string, variants: S): Validator<Infer<S[keyof S]>> {
  const kinds = Object.keys(variants);
  const expected = `a mapping with ${tag}: ${kinds.join(' | ')}`;
  return {
    expected,
    check(v, path, ctx) {
      if (!isMapping(v)) {
        report(ctx, path, `expected ${expected}, got ${got(v, path, ctx)}`);
        return v as Infer<S[keyof S]>;
      }
      const k = v[tag];
      const variant = typeof k === 'string' && has(variants, k) ? variants[k] : undefined;
      if (!variant) {
        const hint = typeof k === 'string' ? didYouMean(k, kinds) : undefined;
        if (!has(v, tag)) report(ctx, path, `missing key '${tag}' (one of ${kinds.join(', ')})`);
        else {
          report(
            ctx,
            [...path, tag],
            `expected ${tag} to be one of ${kinds.join(', ')}, ` +
              `got ${got(k, [...path, tag], ctx)}${hint ? ` (did you mean '${hint}'?)` : ''}`,
          );
        }
        return v as Infer<S[keyof S]>;
      }
      return variant.check(v, path, ctx);
    },
  };
}

/** Every number in a scenario says where it comes from (a study, a vendor's dashboard, a guess). */
const note = () =>
  describe(
    string({ minLength: 1, pattern: /\S/, patternHint: 'a note on where the number comes from' }),
    'a note on where the number comes from',
  );

/** A probability with its provenance: `{ value: 0.02, note: "Stripe decline rate, 2024 report" }`. */
function rate() {
  return object({ value: number({ min: 0, max: 1 }), note: note() });
}

/**
 * Weights per name (plan code, currency, locale); only relative sizes matter. `keys` restricts the
 * names (a typo'd plan code is an error with a did-you-mean, not a plan that never occurs).
 */
function weighted(o: { keys?: readonly string[]; keyHint?: string } = {}) {
  // Only ratios matter, but 1e300 overflows their sum to Infinity: bounded like every number.
  const weights = record(number({ min: 0, max: MAX_WEIGHT }), { minKeys: 1, keys: o.keys, keyHint: o.keyHint });
  return object({ kind: literal('weighted'), weights, note: note() });
}

/** Relative weights above this are a typo or an attack (their sum must stay finite). */
export const MAX_WEIGHT = 1e12;
/** Values a distribution may produce when its parameter names no tighter bound. */
export const DEFAULT_DISTRIBUTION_MAX = 1e9;

/**
 * A replaceable random parameter; any of these can later come from a learned profile. `max` bounds
 * every value the distribution can produce (its support, or its median for the unbounded
 * lognormal), so an absurd parameter (a billion seats, 1e300 calls) is refused with its position
 * before a run instead of running out of memory in one. `min` bounds the support from below.
 */
function distribution(o: { min?: number; max?: number } = {}) {
  const max = o.max ?? DEFAULT_DISTRIBUTION_MAX;
  const min = o.min ?? -max;
  const v = (extra: { min?: number; max?: number } = {}) =>
    number({ min: Math.max(min, extra.min ?? -Infinity), max: Math.min(max, extra.max ?? Infinity) });
  return tagged('kind', {
    constant: object({ kind: literal('constant'), value: v(), note: note() }),
    uniform: object(
      { kind: literal('uniform'), min: v(), max: v(), note: note() },
      { refine: (v, r) => v.max < v.min && r(['max'], `max (${v.max}) is below min (${v.min})`) },
    ),
    lognormal: object({
      kind: literal('lognormal'),
      median: v({ min: 0 }),
      sigma: number({ min: 0, max: 10 }),
      note: note(),
    }),
    pareto: object(
      {
        kind: literal('pareto'),
        min: v({ min: 0 }),
        alpha: number({ min: 0.01, max: 100 }),
        max: optional(v({ min: 0 })),
        note: note(),
      },
      {
        refine: (v, r) => v.max !== undefined && v.max < v.min && r(['max'], `max (${v.max}) is below min (${v.min})`),
      },
    ),
    poisson: object({ kind: literal('poisson'), mean: v({ min: 0, max: 1_000_000 }), note: note() }),
    empirical: object(
      {
        kind: literal('empirical'),
        values: array(v(), { minItems: 1, maxItems: 100_000 }),
        weights: array(number({ min: 0, max: MAX_WEIGHT }), { minItems: 1, maxItems: 100_000 }),
        note: note(),
      },
      {
        refine: (v, r) =>
          v.values.length !== v.weights.length &&
          r(['weights'], `expected one weight per value (${v.values.length}), got ${v.weights.length}`),
      },
    ),
    histogram: object(
      {
        kind: literal('histogram'),
        bins: array(object({ min: v(), max: v(), weight: number({ min: 0, max: MAX_WEIGHT }) }), {
          minItems: 1,
          maxItems: 10_000,
        }),
        scale: optional(enumOf(['linear', 'log'] as const), 'linear'),
        integer: optional(boolean(), false),
        note: note(),
      },
      {
        refine: (v, r) => {
          v.bins.forEach((b, i) => b.max < b.min && r(['bins', i, 'max'], `max (${b.max}) is below min (${b.min})`));
          if (v.scale === 'log') {
            v.bins.forEach((b, i) => b.min <= 0 && r(['bins', i, 'min'], 'a log-scaled bin starts above 0'));
          }
          if (v.bins.every((b) => b.weight === 0)) r(['bins'], 'at least one bin needs a weight above 0');
        },
      },
    ),
  });
}

/**
 * The validator DSL. Build a validator once at module level, then `validate(validator, loadYaml(text, file), file)`.
 */
export const t = {
  number,
  string,
  boolean,
  enum: enumOf,
  literal,
  date,
  instant,
  timezone,
  array,
  object,
  record,
  optional,
  describe,
  union,
  tagged,
  rate,
  distribution,
  weighted,
};

export { rate, distribution, weighted };

/** Checks the loaded YAML against `validator`; every problem (with file:line:col) is thrown at once as ConfigErrors. */
export function validate<S extends Validator<any>>(validator: S, loaded: LoadedYaml, file: string): Infer<S> {
  const ctx: Ctx = { problems: [], loaded, file };
  const value = validator.check(loaded.value, [], ctx);
  if (ctx.problems.length) throw new ConfigErrors(ctx.problems);
  return value;
}
