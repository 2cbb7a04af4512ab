import { createHash } from 'node:crypto';

export const MANIFEST_FORMAT = 2;

/** What shaped a snapshot's bytes: `sim check` compares these with the project as it is now. */
export interface ManifestInputs {
  /** sha256 of the scenario file's bytes. */
  scenario: string;
  /** Seed, days and profile given on the command line instead of the file's. */
  overrides: { seed?: string | number; days?: number; profile?: { file: string; scale: number } };
  /** sha256 of the app's migrations (normalised). */
  schema: string;
  /** Every source file the simulation ran (engine, binding, app), with a hash of its code. */
  sources: Record<string, string>;
  /** Every package it imported, with the installed version. */
  packages: Record<string, string>;
  /** The learned profile the scenario was calibrated from, when there was one. */
  profile?: ManifestProfile;
}

/** A learned profile as a snapshot records it: enough to tell when it, or the code applying it, changed. */
export interface ManifestProfile {
  /** The profile file, relative to the project root. */
  file: string;
  /** sha256 of the profile file's bytes. */
  sha256: string;
  scale: number;
  /** Every source file of the app's learn module, with a hash of its code. */
  sources: Record<string, string>;
}

export interface Manifest {
  format: number;
  /** The app of sim.config.ts this snapshot belongs to. */
  app: string;
  scenario: string;
  seed: string | number;
  days: number;
  /** The window day this is the state of, for a checkpoint snapshot; null for the window's end. */
  checkpoint: number | null;
  backend: string;
  simulated: { historyStart: string; detailFrom: string; start: string; end: string };
  rowCounts: Record<string, number>;
  totalRows: number;
  files: Record<string, string>;
  inputs: ManifestInputs;
  generatorVersion: string;
  versions: Record<string, string>;
  provenance: Record<string, unknown>;
  invariants?: { name: string; violations: number }[];
}

export function sha256(data: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** JSON with sorted keys and a trailing newline: the same manifest is always the same bytes. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}
