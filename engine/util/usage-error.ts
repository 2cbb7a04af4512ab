/** The command line or its options are wrong (exit 2); the message says what to type instead. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
