import { readRegularFile } from '../util/read-regular-file.ts';
import { createHash } from 'node:crypto';
import type { LearnSpec } from './learn-spec.ts';
import { PROFILE_MAX_BYTES, readProfile } from './profile-validator.ts';

/** What a snapshot's manifest records of the profile it was generated from. */
export interface ProfileProvenance {
  file: string;
  /** sha256 of the profile file's bytes. */
  sha256: string;
  learnedAt: string;
  sourceSchemaHash: string;
  privacy: { unit: string; k: number; userK: number; epsilon: number | null; cellsSuppressed: number };
}

/** Reads and validates a profile, and returns the record a manifest's provenance should carry. */
export function profileProvenance(file: string, spec: LearnSpec): ProfileProvenance {
  const profile = readProfile(file, spec);
  const p = profile.privacy;
  return {
    file,
    sha256: 'sha256:' + createHash('sha256').update(readRegularFile(file, PROFILE_MAX_BYTES)).digest('hex'),
    learnedAt: profile.source.learnedAt,
    sourceSchemaHash: profile.source.schemaHash,
    privacy: {
      unit: `${p.unit.table}.${p.unit.key}`,
      k: p.k,
      userK: p.userK,
      epsilon: p.epsilon?.total ?? null,
      cellsSuppressed: p.cellsSuppressed,
    },
  };
}
