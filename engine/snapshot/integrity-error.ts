/** A snapshot or manifest that is damaged, tampered with or not ours (exit 5). */
export class IntegrityError extends Error {
  readonly exitCode = 5;
}
