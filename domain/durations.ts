// The domain's own durations: it imports nothing of the repository, so it does not share the
// simulator's constants.
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
