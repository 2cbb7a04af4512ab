/**
 * Learn mode was given something it cannot use (exit 2): an unreachable server, another app's database,
 * a bad option.
 */
export class LearnError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'LearnError';
  }
}

export interface ProfileProblem {
  file: string;
  /** JSON path of the offending value: `tables.users.columns.email.nullFraction`. */
  path: string;
  problem: string;
  line?: number;
  column?: number;
}

const where = (p: ProfileProblem) =>
  `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.problem}`;

/** A profile failed validation (exit 2). Every problem names the file, the JSON path and what was expected. */
export class ProfileError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: ProfileProblem[]) {
    const shown = problems.slice(0, 20).map(where);
    if (problems.length > 20) shown.push(`… and ${problems.length - 20} more`);
    super(shown.join('\n'));
    this.name = 'ProfileError';
  }
}

/** The profile was learned from another schema (exit 5); the message names every difference. */
export class SchemaDriftError extends Error {
  readonly exitCode = 5;
  constructor(
    readonly profileFile: string,
    readonly differences: string[],
  ) {
    super(
      `${profileFile}: learned from another schema than this one:\n  ${differences.join('\n  ')}\n` +
        `re-learn the profile from the current schema, or pass --allow-schema-drift to use it anyway`,
    );
    this.name = 'SchemaDriftError';
  }
}
