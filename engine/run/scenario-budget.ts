import type { LoadedScenario } from '../config/scenario-file.ts';
import { ConfigError } from '../config/config-error.ts';
import type { YamlPath } from '../config/load-yaml.ts';

/** Rows a run may be estimated to write before it is refused (`--max-rows`). */
export const DEFAULT_MAX_ROWS = 50_000_000;

/**
 * A binding's rough upper estimate of what a scenario produces, made before anything runs.
 * `driver` is the scenario path of the parameter that dominates it, reported with its position.
 */
export interface ScenarioEstimate {
  tenants: number;
  users: number;
  events: number;
  rows: number;
  driver: YamlPath;
  /** How the estimate was reached, for the refusal message. */
  detail: string;
}

/**
 * Refuses a run whose estimate exceeds the budget, with file:line:column of the parameter that
 * drives it (exit 2): a scenario asking for 1e7 sign-ups a day used to run until it had eaten
 * 2.5 GB, so the check happens before any database or process exists.
 */
export function checkScenarioBudget(
  scenario: LoadedScenario,
  estimate: ScenarioEstimate,
  limits: { maxRows: number; maxEvents: number },
): void {
  const over: string[] = [];
  if (!(estimate.rows <= limits.maxRows)) {
    over.push(`about ${fmt(estimate.rows)} rows (--max-rows ${fmt(limits.maxRows)})`);
  }
  if (!(estimate.events <= limits.maxEvents)) {
    over.push(`about ${fmt(estimate.events)} events (--max-events ${fmt(limits.maxEvents)})`);
  }
  if (over.length === 0) return;
  const position = scenario.locate?.(estimate.driver) ?? { line: 1, column: 1 };
  throw new ConfigError({
    file: scenario.file,
    ...position,
    path: estimate.driver
      .map((k) => (typeof k === 'number' ? `[${k}]` : k))
      .join('.')
      .replace(/\.\[/g, '['),
    problem:
      `this scenario would write ${over.join(' and ')} over ${scenario.days} days (${estimate.detail}); ` +
      `this parameter drives it. Lower it, shorten --days, or raise the budget if you mean it`,
  });
}

const fmt = (n: number) =>
  Number.isFinite(n) ? (n >= 1e6 ? `${(n / 1e6).toPrecision(3)} million` : String(Math.round(n))) : 'infinitely many';
