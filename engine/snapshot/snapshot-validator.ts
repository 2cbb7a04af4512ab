import { planDump } from './plan-dump.ts';

export { IntegrityError } from './integrity-error.ts';

/**
 * A committed dump is input, not code: it is checked by the same parser-based planner that restore
 * runs from (plan-dump.ts), so what `sim verify` accepts is exactly what `sim restore` and
 * facade-sim/testing would execute. Throws IntegrityError naming file:line and the statement kind.
 */
export function validateDumpText(text: string, file = 'dump.sql'): void {
  planDump(text, file);
}
