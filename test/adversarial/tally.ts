import { appendFileSync } from 'node:fs';

/** What one adversarial file tried and what got through, summed over the suite by tally-setup.ts. */
export interface Tally {
  suite: string;
  /** Bad inputs tried. */
  tried: number;
  /** Of those, refused or survived as the test expects. */
  refused: number;
  foreignRowsChanged?: number;
  committedBytesChanged?: number;
  outboundConnections?: number;
  metaCommandsExecuted?: number;
  statementsOutsideAllowList?: number;
  /** Distinct egress routes tried from app code. */
  egressRoutes?: number;
  /** Steps of a snapshot commit a kill was tried at. */
  killPoints?: number;
}

export const TALLY_VARIABLE = 'SIM_ADVERSARIAL_TALLY';

/** Adds a file's tally to the suite's (a no-op when the file runs outside the adversarial config). */
export function recordTally(tally: Tally): void {
  const file = process.env[TALLY_VARIABLE];
  if (file) appendFileSync(file, `${JSON.stringify(tally)}\n`);
}
