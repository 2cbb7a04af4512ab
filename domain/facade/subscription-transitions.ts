import { DomainError } from '../domain-error.ts';

const LEGAL: Record<string, string[]> = {
  trialing: ['active', 'canceled'],
  active: ['past_due', 'canceled'],
  past_due: ['active', 'canceled'],
  canceled: ['active'],
};

export function assertTransition(from: string, to: string): void {
  if (from !== to && !LEGAL[from]?.includes(to)) {
    throw new DomainError('illegal_transition', `subscription cannot go from ${from} to ${to}`);
  }
}
