import { DomainError } from '../domain-error.ts';
import { DAY_MS } from '../durations.ts';
import type { Invoice } from './row-types.ts';

/** Retry schedule after the first failed charge (days after it); the 4th failure gives up. */
export const DUNNING_RETRY_DAYS = [1, 3, 5];

/** Whether failing try `attemptNo` (1-based) ends dunning: the schedule has no retry left. */
export function dunningGivesUp(attemptNo: number): boolean {
  return attemptNo > DUNNING_RETRY_DAYS.length;
}

/**
 * When a failed invoice is tried next: DUNNING_RETRY_DAYS[attemptNo - 1] days after its first
 * failure. On a first failure that is `now`; on a retry (run when it fell due) it is `now` less
 * the delay that brought the invoice here. Only for an `attemptNo` that dunningGivesUp keeps.
 */
export function nextDunningAttemptAt(
  inv: Pick<Invoice, 'nextAttemptAt' | 'attemptCount'>,
  attemptNo: number,
  now: Date,
): Date {
  const firstFailureMs =
    inv.nextAttemptAt && inv.attemptCount > 0 ? now.getTime() - retryDays(inv.attemptCount) * DAY_MS : now.getTime();
  return new Date(firstFailureMs + retryDays(attemptNo) * DAY_MS);
}

function retryDays(retry: number): number {
  const days = DUNNING_RETRY_DAYS[retry - 1];
  // Unreachable while charge asks only for tries dunningGivesUp keeps: a broken invariant (see first-or-throw.ts).
  if (days === undefined) throw new DomainError('internal_invariant', `dunning has no retry ${retry}`);
  return days;
}
