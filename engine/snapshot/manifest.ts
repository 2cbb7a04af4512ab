import { createHash } from 'node:crypto';

export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: number;
  scenario: string;
  seed: string | number;
  days: number;
  engine: string;
  simulated: { start: string; end: string; historyStart: string };
  rowCounts: Record<string, number>;
  totalRows: number;
  files: Record<string, string>;
  schemaHash: string;
  scenarioHash: string;
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
