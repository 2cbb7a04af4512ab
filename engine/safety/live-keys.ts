import { EgressError } from './safety-error.ts';

/** Patterns of live vendor credentials; a simulation only ever runs with fake ones. */
const LIVE_PATTERNS: [RegExp, string][] = [
  [/\b(sk|rk|pk)_live_/, 'Stripe live key'],
  [/\bSG\.[A-Za-z0-9_-]{20,}/, 'SendGrid API key'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'AWS access key'],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'GitHub token'],
];

export function assertFakeCredentials(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values).sort()) {
    for (const [pattern, what] of LIVE_PATTERNS) {
      if (pattern.test(value)) {
        throw new EgressError(
          `credentials:${key}`,
          `a ${what} in the vendor configuration; simulations run with fake credentials only (e.g. sk_test_sim_…)`,
        );
      }
    }
  }
}
