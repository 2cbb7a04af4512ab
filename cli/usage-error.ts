export { UsageError } from '../engine/util/usage-error.ts';
