/** One problem found in a config file, with the position a user can jump to. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending value (`population.arrivals[2].max`); empty for file-level problems. */
  path: string;
  problem: string;
}

/** Long lists bury the first mistake; users fix the top of the file first anyway. */
export const MAX_REPORTED = 20;

const byPosition = (a: ConfigProblem, b: ConfigProblem) => a.line - b.line || a.column - b.column;

export const formatProblem = (p: ConfigProblem) =>
  `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.problem}`;

/**
 * Scenario input was rejected. exitCode 2 is the CLI's "bad input" code, so callers can let it
 * propagate. `problems` always holds every problem (one, for a plain ConfigError).
 *
 * The constructor also takes a list of problems because existing callers (scenario loaders)
 * collect their own cross-field problems and throw them in one go; prefer `ConfigErrors` for that.
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly problem: string;
  readonly problems: ConfigProblem[];

  constructor(problemOrProblems: ConfigProblem | readonly ConfigProblem[]) {
    const problems = (
      Array.isArray(problemOrProblems) ? [...problemOrProblems] : [problemOrProblems as ConfigProblem]
    ).sort(byPosition);
    if (problems.length === 0) throw new TypeError('ConfigError needs at least one problem');
    const shown = problems.slice(0, MAX_REPORTED).map(formatProblem);
    if (problems.length > MAX_REPORTED) shown.push(`… and ${problems.length - MAX_REPORTED} more`);
    super(shown.join('\n'));
    this.name = new.target.name;
    const first = problems[0]!;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.problem = first.problem;
    this.problems = problems;
  }
}

/**
 * Several problems at once, sorted by line. It extends ConfigError so one `instanceof` check (and
 * one exit code) covers both; the first problem's position is the error's own position.
 */
export class ConfigErrors extends ConfigError {
  /** Every problem as its own ConfigError, sorted by position. */
  readonly errors: ConfigError[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems);
    this.errors = this.problems.map((p) => new ConfigError(p));
  }
}
