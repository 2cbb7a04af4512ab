import { installEgressGuard, type EgressAllow, type EgressGuard } from './egress-guard.ts';

/** The egress guard of a sandboxed simulation process: up for the process's whole life. */
export interface SandboxGuard extends Pick<EgressGuard, 'attempts' | 'assertClean'> {
  /** Lets the run's own database through; once, before the run connects. */
  allowDatabase(allow: EgressAllow): void;
  /** Called at every refused attempt (after the caller got its error), e.g. to end the run at once. */
  onAttempt(listener: () => void): void;
}

let installed: SandboxGuard | undefined;

/**
 * Installs the egress guard before any app module evaluates, so that a reference the app takes at
 * load time (`const { execSync } = require('node:child_process')`) is already the guarded one.
 * It has no uninstall: app code bundled next to the engine could reach it, and nothing in the
 * sandbox needs the unguarded modules back.
 */
export function installSandboxGuard(): SandboxGuard {
  if (installed) return installed;
  const allow: EgressAllow[] = [];
  const guard = installEgressGuard({ allow });
  let widened = false;
  const listeners: (() => void)[] = [];
  // Recorded synchronously by the guard; the listeners run on the next turn, so an app's own
  // try/catch cannot keep them from running.
  const record = guard.attempts.push.bind(guard.attempts);
  guard.attempts.push = (...items) => {
    const n = record(...items);
    setImmediate(() => listeners.forEach((listener) => listener()));
    return n;
  };
  installed = {
    onAttempt: (listener) => void listeners.push(listener),
    attempts: guard.attempts,
    assertClean: () => guard.assertClean(),
    allowDatabase(target) {
      if (widened) throw new Error('the sandbox guard admits one database endpoint only');
      widened = true;
      allow.push(target);
    },
  };
  return installed;
}

/** The process's sandbox guard, when this is a sandboxed simulation process. */
export function sandboxGuard(): SandboxGuard | undefined {
  return installed;
}
