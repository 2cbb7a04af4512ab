import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { LearnSpec } from './learn-spec.ts';
import type { Profile } from './profile-types.ts';
import { validateProfile } from './profile-validator.ts';

/** The bytes of a profile as written: two-space JSON and a final newline, so diffs of re-learned profiles read well. */
export const profileText = (profile: Profile) => JSON.stringify(profile, null, 2) + '\n';

/**
 * Writes a profile only after its own validator passed it: a profile that would hold a raw source
 * string (or any other problem) is refused before a byte reaches the disk. The write is atomic.
 * Returns the sha256 of the bytes written (the profile's identity in a manifest's provenance).
 */
export function writeProfile(file: string, profile: Profile, spec: LearnSpec): string {
  validateProfile(JSON.parse(JSON.stringify(profile)), spec, { file });
  const text = profileText(profile);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, text);
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}
