/** Refused to touch a database (exit 3): says which check failed and what would be needed. */
export class SafetyError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly check: string,
    message: string,
  ) {
    super(`safety refusal (${check}): ${message}`);
  }
}

/** Something tried to leave the process (exit 4): names the destination. */
export class EgressError extends Error {
  readonly exitCode = 4;
  constructor(
    readonly destination: string,
    via: string,
  ) {
    super(
      `unstubbed egress to ${destination} via ${via}: add a vendor stub for it or remove the call; nothing may ` +
        `leave a simulation run but the database connection`,
    );
  }
}
