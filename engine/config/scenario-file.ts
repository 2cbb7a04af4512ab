import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { DAY_MS } from '../clock/time.ts';
import { UnreadableFileError, readRegularFile } from '../util/read-regular-file.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { DEFAULT_LIMITS, loadYaml, type Position, type YamlPath } from './load-yaml.ts';
import { t, validate, type InferShape, type Validator } from './validator.ts';

/** A history longer than this is a typo (a year off by a century), not a scenario. */
export const MAX_HISTORY_YEARS = 20;
/** Scenario files are YAML; both extensions count. */
export const SCENARIO_EXTENSIONS = ['.yaml', '.yml'] as const;

const note = t.string({ minLength: 1, pattern: /\S/, patternHint: 'a note on where the number comes from' });

/**
 * The keys every scenario file shares, whatever the application. The engine validates these; a
 * binding adds its own sections (population, behaviour, vendors, …) with the same toolkit.
 */
export const scenarioBase = {
  name: t.string({
    pattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
    patternHint: 'a lowercase name like baseline-45d, equal to the file name (it names the snapshot directory)',
  }),
  description: t.optional(t.string({ maxLength: 500 })),
  seed: t.string({ minLength: 1, maxLength: 64, patternHint: 'a seed: a whole number or a short string' }),
  /** The first instant of the detailed window. */
  start: t.instant(),
  /** Length of the detailed window. */
  days: t.number({ integer: true, min: 1, max: 3660 }),
  /** The zone the scenario's calendar is read in (tenants may live in zones of their own). */
  timezone: t.optional(t.timezone(), 'UTC'),
  /**
   * The simulation may start long before the window: the same facade and jobs run through it, so
   * tenure, churn and old invoices emerge. Before `detailFrom` (default: the window start) a binding
   * may record high-volume telemetry at a coarser grain.
   */
  history: t.optional(t.object({ start: t.instant(), detailFrom: t.optional(t.instant()), note: t.optional(note) })),
  /** Window days at which the state is also written as a snapshot of its own (`<name>@d15`). */
  checkpoints: t.optional(t.array(t.number({ integer: true, min: 0, max: 3660 }), { maxItems: 100 })),
  /** A learned profile whose statistics replace the scenario's (see `sim learn`). */
  profile: t.optional(
    t.object({
      /** The profile's JSON file, relative to this file. */
      file: t.string({ minLength: 1, maxLength: 1000, patternHint: 'a path like ../profiles/prod.json' }),
      /** Tenants and arrivals are production's times this (0.01: a hundredth of production). */
      scale: t.optional(t.number({ min: 0.000001, max: 1 }), 1),
      note: t.optional(note),
    }),
  ),
};

export type ScenarioBase = InferShape<typeof scenarioBase>;
type Sections = Record<string, Validator<any>>;
/** A scenario file's value: the shared keys plus the binding's sections. */
export type Scenario<S extends Sections> = InferShape<typeof scenarioBase & S>;
type Report = (path: (string | number)[], problem: string) => void;

/** How a binding's scenario files look: the shared keys plus its own sections, validated as one. */
export interface ScenarioFormat<S = unknown> {
  readonly validator: Validator<S>;
}

/**
 * Declares a binding's scenario format: `sections` are its own top-level keys; `refine` checks
 * rules across them (it runs once every key is well formed, and reports with positions).
 */
export function defineScenarioFormat<S extends Sections>(
  sections: S,
  options: { refine?: (scenario: Scenario<S>, report: Report) => void } = {},
): ScenarioFormat<Scenario<S>> {
  for (const key of Object.keys(sections)) {
    if (key in scenarioBase) throw new TypeError(`scenario section '${key}' is one of the engine's own keys`);
  }
  const validator = t.object({ ...scenarioBase, ...sections } as typeof scenarioBase & S, {
    refine(value, report) {
      refineBase(value as ScenarioBase, report);
      options.refine?.(value as Scenario<S>, report);
    },
  });
  return { validator: validator as unknown as Validator<Scenario<S>> };
}

function refineBase(s: ScenarioBase, report: Report): void {
  const startMs = Date.parse(s.start);
  const endMs = startMs + s.days * DAY_MS;
  if (s.history) {
    const historyMs = Date.parse(s.history.start);
    if (historyMs > startMs) report(['history', 'start'], `history starts after the window (${s.start})`);
    else if (startMs - historyMs > MAX_HISTORY_YEARS * 365.25 * DAY_MS) {
      const years = ((startMs - historyMs) / (365.25 * DAY_MS)).toFixed(1);
      report(['history', 'start'], `history of ${years} years: at most ${MAX_HISTORY_YEARS} years are simulated`);
    }
    const detail = s.history.detailFrom;
    if (detail !== undefined && (Date.parse(detail) < historyMs || Date.parse(detail) > endMs)) {
      const window = `${s.history.start} .. ${new Date(endMs).toISOString()}`;
      report(['history', 'detailFrom'], `detailFrom must lie between the history start and the window end (${window})`);
    }
  }
  for (const [i, day] of (s.checkpoints ?? []).entries()) {
    if (day > s.days) report(['checkpoints', i], `checkpoint day ${day} lies outside the window (days 0..${s.days})`);
  }
}

/** A learned profile a scenario is calibrated from, at a scale of production. */
export interface ScenarioProfile {
  file: string;
  scale: number;
}

/** What the engine knows of a loaded scenario file; `value` is the whole validated file. */
export interface LoadedScenario<S = unknown> {
  file: string;
  name: string;
  seed: string | number;
  /** The zone of the scenario's calendar. */
  timezone: string;
  /** Where the simulation starts: the history's start, else the window's. */
  historyStartMs: number;
  /** From here on telemetry is recorded in full detail. */
  detailFromMs: number;
  startMs: number;
  days: number;
  /** Window days written as snapshots of their own, ascending, without duplicates. */
  checkpoints: number[];
  /** The learned profile, its path resolved against the scenario file. */
  profile: ScenarioProfile | undefined;
  /** sha256 of the file's bytes. */
  hash: string;
  value: S;
  /** Where a value of the file is written (for problems found after loading, like a budget). */
  locate?: (path: YamlPath) => Position;
}

/**
 * Reads and validates a scenario file. Every problem is reported with file:line:column, the path,
 * what was expected and, for unknown keys, a did-you-mean; nothing is touched before this passes.
 */
export function loadScenario<S>(format: ScenarioFormat<S>, file: string): LoadedScenario<S> {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, DEFAULT_LIMITS.maxBytes);
  } catch (e) {
    const problem = e instanceof UnreadableFileError ? e.reason : (e as Error).message;
    throw new ConfigError({ file, line: 1, column: 1, path: '', problem: `scenario file ${problem}` });
  }
  const text = bytes.toString('utf8');
  const loaded = loadYaml(text, file);
  // A seed may be written as a whole number or a string; the validator sees a string either way.
  const raw = loaded.value as Record<string, unknown>;
  if (typeof raw.seed === 'number' && Number.isSafeInteger(raw.seed) && raw.seed >= 0) raw.seed = String(raw.seed);
  const value = validate(format.validator, loaded, file) as S & ScenarioBase;
  const problems: ConfigProblem[] = [];
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  if (value.name !== expectedName) {
    problems.push({
      file,
      ...loaded.locate(['name']),
      path: 'name',
      problem: `name '${value.name}' must equal the file name '${expectedName}': it names the snapshot directory`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
  const startMs = Date.parse(value.start);
  const historyStartMs = value.history ? Date.parse(value.history.start) : startMs;
  return {
    file,
    name: value.name,
    seed: /^\d+$/.test(value.seed) ? Number(value.seed) : value.seed,
    timezone: value.timezone ?? 'UTC',
    historyStartMs,
    detailFromMs: value.history?.detailFrom ? Date.parse(value.history.detailFrom) : startMs,
    startMs,
    days: value.days,
    checkpoints: [...new Set(value.checkpoints ?? [])].sort((a, b) => a - b),
    profile: value.profile && { file: resolve(dirname(file), value.profile.file), scale: value.profile.scale ?? 1 },
    hash: 'sha256:' + createHash('sha256').update(bytes).digest('hex'),
    value,
    locate: loaded.locate,
  };
}

/**
 * Validates a scenario value made in code (a profile applied to a file's value) with the format's
 * own rules, so a learned number outside what the format allows is caught before any simulation.
 * `label` names the value in errors, e.g. 'scenarios/a.yaml with profiles/prod.json'.
 */
export function checkScenarioValue<S>(format: ScenarioFormat<S>, value: S, label: string): S {
  const loaded = loadYaml(stringify(value, { lineWidth: 0 }), label);
  return validate(format.validator, loaded, label) as S;
}
