import { readRegularFile } from '../util/read-regular-file.ts';
import { ConfigError, loadYaml, t, validate, type LoadedYaml, type Validator } from '../config/index.ts';
import { CATALOG_QUERIES } from './catalog.ts';
import { LearnError, ProfileError, type ProfileProblem } from './learn-errors.ts';
import type { LabelRule, LearnSpec } from './learn-spec.ts';
import { DP_CONTRIBUTION, OTHER, MIN_K, QUANTILE_POINTS, ROUNDING } from './privacy.ts';
import { ALL_GROUPS, PROFILE_FORMAT, PROFILE_VERSION, type Profile } from './profile-types.ts';
import { sqlHash } from './query-ledger.ts';
import { LEARNER_LITERALS, SCRIPT_NAMES } from './table-queries.ts';

const IDENT = /^[a-z_][a-z0-9_$]{0,62}$/;
const ident = t.string({ pattern: IDENT, patternHint: 'a lowercase SQL identifier' });
const share = t.number({ min: 0, max: 1 });
const count = t.number({ integer: true, min: 0 });
const nullable = <T>(s: Validator<T>) => t.union([s, t.literal(null)] as const);
const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/;

const ascending = (
  v: { p: number[]; v: (number | string)[] },
  report: (path: (string | number)[], problem: string) => void,
) => {
  if (v.p.length !== v.v.length) report(['v'], `expected one value per p (${v.p.length}), got ${v.v.length}`);
  for (let i = 1; i < v.p.length; i++) if (!(v.p[i]! > v.p[i - 1]!)) report(['p', i], 'p must increase');
  for (let i = 1; i < v.v.length; i++) if (v.v[i]! < v.v[i - 1]!) report(['v', i], 'values must not decrease');
  if (v.p.some((p) => p < QUANTILE_POINTS[0] || p > QUANTILE_POINTS[QUANTILE_POINTS.length - 1]!)) {
    report(['p'], 'quantiles are trimmed to p0.005-p0.995 (a minimum or maximum is never released)');
  }
};
const quantiles = t.object(
  { p: t.array(share, { minItems: 1, maxItems: 25 }), v: t.array(t.number(), { maxItems: 25 }) },
  { refine: ascending },
);
const timeQuantiles = t.object(
  {
    p: t.array(share, { minItems: 1, maxItems: 25 }),
    v: t.array(
      t.string({ pattern: HOUR, patternHint: 'an instant truncated to the hour, like 2025-03-01T14:00:00Z' }),
      { maxItems: 25 },
    ),
  },
  { refine: ascending },
);
const anyQuantiles = t.union([quantiles, timeQuantiles] as const);
const bin = t.object(
  { lo: t.number({ min: 0 }), hi: t.number({ min: 0 }), share, mean: t.optional(t.number({ min: 0 })) },
  { refine: (b, r) => b.hi <= b.lo && r(['hi'], `hi (${b.hi}) must be above lo (${b.lo})`) },
);
const shares = t.record(share);

const column = t.object({
  kind: t.enum(['key', 'category', 'boolean', 'numeric', 'time', 'text', 'json', 'opaque']),
  nullFraction: nullable(share),
  distinctRatio: t.optional(nullable(share)),
  quantiles: t.optional(nullable(anyQuantiles)),
  length: t.optional(nullable(quantiles)),
  categories: t.optional(nullable(shares)),
  scripts: t.optional(nullable(shares)),
});

const fanout = t.object({
  parent: ident,
  parentColumn: ident,
  parents: nullable(count),
  meanChildren: nullable(t.number({ min: 0 })),
  bins: nullable(t.array(bin, { maxItems: 64 })),
});

const table = t.object({
  rows: nullable(count),
  unit: t.enum(['tenant', 'row']),
  tenantPath: t.array(
    t.string({
      pattern: /^[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]* -> [a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*$/,
      patternHint: 'a foreign-key step like users.organization_id -> organizations.id',
    }),
  ),
  columns: t.record(column),
  foreignKeys: t.record(fanout),
});

const metricBase = {
  title: t.string({ minLength: 1, maxLength: 200 }),
  unit: t.optional(t.string({ maxLength: 40 })),
  time: t.optional(t.boolean()),
};
const metric = t.tagged('kind', {
  category: t.object({ kind: t.literal('category'), ...metricBase, groups: t.record(t.object({ n: count, shares })) }),
  counts: t.object({
    kind: t.literal('counts'),
    ...metricBase,
    groups: t.record(
      t.object({ n: count, mean: nullable(t.number({ min: 0 })), bins: t.array(bin, { maxItems: 64 }) }),
    ),
  }),
  quantiles: t.object({
    kind: t.literal('quantiles'),
    ...metricBase,
    groups: t.record(t.object({ n: count, quantiles: anyQuantiles })),
  }),
  rate: t.object({ kind: t.literal('rate'), ...metricBase, groups: t.record(t.object({ n: count, rate: share })) }),
});

const STATISTIC = new RegExp(
  '^(' +
    'table [a-z_][a-z0-9_$]*' +
    '|rows [a-z_][a-z0-9_$]*' +
    '|column [a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*( nulls| scripts)?' +
    '|children-per-parent [a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*' +
    '|metric [a-z][a-z0-9_]*( \\(a quantile sketch\\))?' +
    '|quantiles of [a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*' +
    '|distinct ratios' +
    '|mean children inside log2 bins' +
    ')$',
);
const statistic = t.string({
  pattern: STATISTIC,
  patternHint: 'a statistic name like column users.role or metric plan_mix',
});
const SHA = t.string({ pattern: /^sha256:[0-9a-f]{64}$/, patternHint: 'sha256:<64 hex digits>' });

const ledger = t.object({
  unit: t.object({ table: ident, key: ident }),
  k: t.number({ integer: true, min: MIN_K }),
  userK: t.number({ integer: true, min: MIN_K }),
  rounding: t.object({
    counts: t.literal(ROUNDING.counts),
    shares: t.literal(ROUNDING.shares),
    quantiles: t.literal(ROUNDING.quantiles),
  }),
  quantileTrim: t.array(share, { minItems: 2, maxItems: 2 }),
  epsilon: nullable(
    t.object({
      total: t.number({ min: 0 }),
      mechanism: t.literal('laplace'),
      contribution: t.literal(DP_CONTRIBUTION),
      split: t.array(t.object({ statistic, epsilon: t.number({ min: 0 }) })),
      withheld: t.array(statistic),
    }),
  ),
  cellsSuppressed: count,
  suppressed: t.array(t.object({ statistic, cells: count })),
  tablesWithoutTenant: t.array(ident),
  valuesReleased: t.array(t.string({ pattern: /^[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*$/, patternHint: 'table.column' })),
  queries: t.array(
    t.object({
      id: t.string({ pattern: /^q\d+$/, patternHint: 'q1, q2, …' }),
      purpose: t.string({ minLength: 1, maxLength: 300 }),
      sha256: SHA,
      sql: t.string({ minLength: 1, maxLength: 20_000 }),
      runs: t.number({ integer: true, min: 1 }),
    }),
  ),
});

const profileSchema = t.object({
  format: t.literal(PROFILE_FORMAT),
  version: t.literal(PROFILE_VERSION),
  app: t.string({ minLength: 1, maxLength: 100 }),
  source: t.object({
    learnedAt: t.string({
      pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
      patternHint: 'an ISO instant like 2026-05-01T12:00:00Z',
    }),
    schemaHash: SHA,
    schema: t.object({
      tables: t.record(t.record(t.string({ pattern: /^[a-z][a-z0-9 ()_,[\]]*$/, patternHint: 'a SQL type name' }))),
      foreignKeys: t.array(
        t.string({
          pattern: /^[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]* -> [a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*$/,
          patternHint: 'child.column -> parent.column',
        }),
      ),
    }),
  }),
  privacy: ledger,
  tables: t.record(table),
  metrics: t.record(metric),
});

/** Where problems are reported: the file, and positions when the profile was read from it. */
interface Where {
  file: string;
  loaded?: LoadedYaml;
}

const fmt = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function stubLoaded(value: unknown): LoadedYaml {
  return {
    value,
    locate: () => ({ line: 0, column: 0 }),
    locateKey: () => ({ line: 0, column: 0 }),
    sourceOf: () => undefined,
  };
}

function labelsAllowed(rule: LabelRule | undefined, spec: LearnSpec): (label: string) => boolean {
  if (!rule) return () => false;
  if ('ordinal' in rule) {
    const one = rule.ordinal === 'integer' ? '\\d+' : '\\d{4}-\\d{2}';
    const re = new RegExp(`^${one}(\\.\\.${one})?$`);
    return (l) => re.test(l);
  }
  const allowed = new Set([...('domain' in rule ? (spec.categoricals[rule.domain] ?? []) : rule.values), OTHER]);
  return (l) => allowed.has(l);
}

/** Single-quoted literals of a SQL text. */
function literalsOf(sql: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) out.push(m[1]!.replace(/''/g, "'"));
  return out;
}

const PURPOSES = [
  /^session: read-only transaction$/,
  /^catalog: (tables and columns of the public schema|single-column keys and foreign keys)$/,
  new RegExp(
    '^table [a-z_][a-z0-9_$]*: (' +
      'rows, nulls, distinct values' +
      '|trimmed quantiles' +
      '|cells behind each distribution, with distinct tenants' +
      '|recount [a-z_][a-z0-9_$]* (intervals|categories)' +
      ')$',
  ),
  /^children per parent: [a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]* -> [a-z_][a-z0-9_$]*$/,
];

/**
 * What the schema cannot say: every string in a profile is either a name from the source's schema,
 * the binding's own vocabulary (metric names and titles, computed labels) or a value of a domain the
 * app declares. A profile holding anything else (a raw value from the source) is refused.
 */
function auditStrings(p: Profile, spec: LearnSpec, problem: (path: (string | number)[], text: string) => void): void {
  if (p.app !== spec.app) problem(['app'], `profile is for app '${p.app}', this binding is '${spec.app}'`);
  const schema = p.source.schema.tables;
  const metricsByName = new Map(spec.metrics.map((m) => [m.name, m]));
  for (const [tname, table] of Object.entries(p.tables)) {
    if (!schema[tname]) problem(['tables', tname], `table '${tname}' is not in source.schema`);
    for (const [cname, col] of Object.entries(table.columns)) {
      const path = ['tables', tname, 'columns', cname];
      if (!IDENT.test(cname)) problem(path, `'${cname}' is not a column name`);
      else if (schema[tname] && schema[tname]![cname] === undefined) {
        problem(path, `column '${cname}' is not in source.schema`);
      }
      if (col.categories) {
        const domain = spec.categoricals[`${tname}.${cname}`];
        const allowed =
          col.kind === 'boolean'
            ? new Set(['true', 'false'])
            : domain
              ? new Set([...domain, OTHER])
              : new Set<string>();
        for (const label of Object.keys(col.categories)) {
          if (!allowed.has(label)) {
            problem(
              [...path, 'categories', label],
              domain || col.kind === 'boolean'
                ? `'${label}' is not a value of the declared domain of ${tname}.${cname}: ` +
                    'a profile holds no source strings'
                : `${tname}.${cname} is not a categorical column the app declares: a profile holds no source strings`,
            );
          }
        }
      }
      for (const label of Object.keys(col.scripts ?? {})) {
        if (!(SCRIPT_NAMES as readonly string[]).includes(label)) {
          problem([...path, 'scripts', label], `'${label}' is not a script name`);
        }
      }
    }
    for (const [fk, f] of Object.entries(table.foreignKeys)) {
      if (!IDENT.test(fk)) problem(['tables', tname, 'foreignKeys', fk], `'${fk}' is not a column name`);
      if (!schema[f.parent]) {
        problem(['tables', tname, 'foreignKeys', fk, 'parent'], `table '${f.parent}' is not in source.schema`);
      }
    }
  }
  for (const [name, m] of Object.entries(p.metrics)) {
    const spec_ = metricsByName.get(name);
    const path = ['metrics', name];
    if (!spec_) {
      problem(
        path,
        `unknown metric '${name}'; the ${spec.app} binding declares: ${[...metricsByName.keys()].join(', ')}`,
      );
      continue;
    }
    if (m.kind !== spec_.kind) problem([...path, 'kind'], `metric ${name} is a ${spec_.kind} metric, not ${m.kind}`);
    if (m.title !== spec_.title) problem([...path, 'title'], `the title of ${name} is '${spec_.title}'`);
    if (m.unit !== spec_.unit) {
      problem([...path, 'unit'], `the unit of ${name} is ${spec_.unit ? `'${spec_.unit}'` : 'not set'}`);
    }
    const groupOk = spec_.groups ? labelsAllowed(spec_.groups, spec) : (g: string) => g === ALL_GROUPS;
    const labelOk = labelsAllowed(spec_.labels, spec);
    for (const [g, cell] of Object.entries(m.groups)) {
      if (!groupOk(g)) {
        problem([...path, 'groups', g], `'${g}' is not a group of metric ${name}: a profile holds no source strings`);
      }
      if ('shares' in cell) {
        for (const label of Object.keys(cell.shares)) {
          if (!labelOk(label)) {
            problem(
              [...path, 'groups', g, 'shares', label],
              `'${label}' is not a label of metric ${name}: a profile holds no source strings`,
            );
          }
        }
      }
    }
  }
  const led = p.privacy;
  if (led.unit.table !== spec.tenant.table || led.unit.key !== spec.tenant.key) {
    problem(['privacy', 'unit'], `the ${spec.app} binding's privacy unit is ${spec.tenant.table}.${spec.tenant.key}`);
  }
  const literals = new Set<string>([...LEARNER_LITERALS, ...Object.values(spec.categoricals).flat()]);
  for (const sql of Object.values(CATALOG_QUERIES)) for (const l of literalsOf(sql)) literals.add(l);
  for (const m of spec.metrics) for (const l of literalsOf(m.items)) literals.add(l);
  const titles = new Map(spec.metrics.map((m) => [m.name, m.title]));
  led.queries.forEach((q, i) => {
    if (sqlHash(q.sql) !== q.sha256) problem(['privacy', 'queries', i, 'sha256'], 'does not match the sha256 of sql');
    for (const l of literalsOf(q.sql)) {
      if (!literals.has(l)) {
        problem(
          ['privacy', 'queries', i, 'sql'],
          `holds the literal '${l.slice(0, 60)}', which neither the learner nor the binding wrote`,
        );
      }
    }
    const metric = /^metric ([a-z][a-z0-9_]*): (.*?)( \(merged\))?$/.exec(q.purpose);
    const ok = metric
      ? titles.get(metric[1]!) === metric[2] || metric[2] === 'intervals between knots'
      : PURPOSES.some((re) => re.test(q.purpose));
    if (!ok) {
      problem(['privacy', 'queries', i, 'purpose'], `'${q.purpose.slice(0, 80)}' is not a purpose the learner writes`);
    }
  });
}

/**
 * Validates a profile against its format and the binding: wrong types, unknown metrics and any
 * string that is not the app's own vocabulary are problems with the file and the JSON path.
 */
export function validateProfile(value: unknown, spec: LearnSpec, where: Where): Profile {
  const loaded = where.loaded ?? stubLoaded(value);
  let profile: Profile;
  try {
    profile = validate(profileSchema, loaded, where.file) as unknown as Profile;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ProfileError(
      e.problems.map((p) => ({
        file: where.file,
        path: p.path,
        problem: p.problem,
        ...(p.line ? { line: p.line, column: p.column } : {}),
      })),
    );
  }
  const problems: ProfileProblem[] = [];
  auditStrings(profile, spec, (path, problem) => {
    const pos = where.loaded?.locateKey(path);
    problems.push({
      file: where.file,
      path: fmt(path),
      problem,
      ...(pos?.line ? { line: pos.line, column: pos.column } : {}),
    });
  });
  if (problems.length) throw new ProfileError(problems);
  return profile;
}

/** A profile is a summary, not data. */
export const PROFILE_MAX_BYTES = 50_000_000;

/** Reads and validates a profile file; every problem names the file, the line and the JSON path. */
export function readProfile(file: string, spec: LearnSpec): Profile {
  let text: string;
  try {
    // A regular file only, capped while read: a FIFO or /dev/zero as the profile must not hang or fill memory.
    text = readRegularFile(file, PROFILE_MAX_BYTES).toString('utf8');
  } catch (e) {
    throw new LearnError(`${file}: cannot read the profile (${(e as Error).message.replace(`${file}: `, '')})`);
  }
  try {
    JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const offset = m ? Number(m[1]) : 0;
    const before = text.slice(0, offset).split('\n');
    throw new ProfileError([
      {
        file,
        path: '',
        problem: `not valid JSON: ${(e as Error).message}`,
        line: before.length,
        column: before[before.length - 1]!.length + 1,
      },
    ]);
  }
  let loaded: LoadedYaml;
  try {
    loaded = loadYaml(text, file, { maxBytes: 50_000_000, maxDepth: 64 });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ProfileError(
      e.problems.map((p) => ({ file, path: p.path, problem: p.problem, line: p.line, column: p.column })),
    );
  }
  return validateProfile(loaded.value, spec, { file, loaded });
}
