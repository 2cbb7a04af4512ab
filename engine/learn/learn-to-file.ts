import { learnProfile, checkLearnOptions, type LearnOptions } from './learn-profile.ts';
import type { LearnSpec } from './learn-spec.ts';
import { writeProfile } from './profile-file.ts';
import type { Profile } from './profile-types.ts';
import { openReadOnlyServer, type SessionLimits } from './read-only-session.ts';

/**
 * `sim learn`: options are checked before anything connects, the profile is learned in one
 * read-only transaction, validated, and only then written. On any failure nothing is written.
 */
export async function learnToFile(
  spec: LearnSpec,
  o: LearnOptions & SessionLimits & { databaseUrl: string; out: string; allowRemoteHosts?: string[] },
): Promise<{ profile: Profile; sha256: string; wallMs: number }> {
  const began = performance.now();
  checkLearnOptions(o);
  const session = await openReadOnlyServer(o.databaseUrl, o);
  let profile: Profile;
  try {
    profile = await learnProfile(session, spec, o);
  } finally {
    await session.close();
  }
  const sha256 = writeProfile(o.out, profile, spec);
  return { profile, sha256, wallMs: performance.now() - began };
}
