import { installEgressGuard, type EgressAllow, type EgressGuard } from './egress-guard.ts';

/** The egress guard of a sandboxed simulation process: up for the process's whole life. */
export interface SandboxGuard extends Pick<EgressGuard, 'attempts' | 'assertClean'> {
  /** Called at every refused attempt (after the caller got its error), e.g. to end the run at once. */
  onAttempt(listener: () => void): void;
}

/** The variable the parent names the run's database endpoint in (JSON of an EgressAllow). */
export const EGRESS_ALLOW_VARIABLE = 'FACADE_SIM_EGRESS_ALLOW';

// Shared through the global object: the guard is installed by a preload module (`--import`), a
// bundle of its own, and read by the simulation bundle's copy of this module.
const KEY = Symbol.for('facade-sim.sandbox-guard');

/**
 * Installs the egress guard before any app module or package evaluates, so that a reference taken
 * at load time (`const { execSync } = require('node:child_process')`) is already the guarded one.
 * What it lets through is fixed here, from the environment the parent started the process with:
 * there is no way to widen it later (app code is bundled next to the engine and could call one)
 * and no uninstall.
 */
export function installSandboxGuard(): SandboxGuard {
  const existing = sandboxGuard();
  if (existing) return existing;
  const raw = process.env[EGRESS_ALLOW_VARIABLE];
  const allow: EgressAllow[] = raw ? [JSON.parse(raw) as EgressAllow] : [];
  const guard = installEgressGuard({ allow });
  const listeners: (() => void)[] = [];
  // Recorded synchronously by the guard; the listeners run on the next turn, so an app's own
  // try/catch cannot keep them from running.
  const record = guard.attempts.push.bind(guard.attempts);
  guard.attempts.push = (...items) => {
    const n = record(...items);
    setImmediate(() => listeners.forEach((listener) => listener()));
    return n;
  };
  const installed: SandboxGuard = Object.freeze({
    attempts: guard.attempts,
    assertClean: () => guard.assertClean(),
    onAttempt: (listener: () => void) => void listeners.push(listener),
  });
  Object.defineProperty(globalThis, KEY, { value: installed, writable: false, configurable: false });
  return installed;
}

/** The process's sandbox guard, when this is a sandboxed simulation process. */
export function sandboxGuard(): SandboxGuard | undefined {
  return (globalThis as Record<symbol, SandboxGuard | undefined>)[KEY];
}
