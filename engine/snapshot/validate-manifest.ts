import { isAbsolute } from 'node:path';
import { IntegrityError } from './integrity-error.ts';
import type { Manifest } from './manifest.ts';

/** The backends a snapshot may say it was generated on; nothing else is ever started for it. */
export const MANIFEST_BACKENDS = ['pglite', 'postgres', 'docker'] as const;

type Check = (v: unknown, at: string) => void;

class Refusal extends Error {}

const fail = (at: string, expected: string, v: unknown): never => {
  const got = typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : v === null ? 'null' : typeof v;
  throw new Refusal(`${at}: expected ${expected}, got ${got}`);
};

const str =
  (re?: RegExp, expected = 'a string'): Check =>
  (v, at) => {
    if (typeof v !== 'string' || v.length > 10_000 || (re && !re.test(v))) fail(at, expected, v);
  };
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, at) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(at, `an integer ${min}..${max}`, v);
  };
const num: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, 'a finite number', v);
};
const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(at, 'true or false', v);
};
const nullable =
  (c: Check): Check =>
  (v, at) => {
    if (v !== null) c(v, at);
  };
const oneOf =
  (values: readonly unknown[]): Check =>
  (v, at) => {
    if (!values.includes(v)) fail(at, `one of ${values.join(', ')}`, v);
  };
const either =
  (a: Check, b: Check, expected: string): Check =>
  (v, at) => {
    try {
      a(v, at);
    } catch {
      try {
        b(v, at);
      } catch {
        fail(at, expected, v);
      }
    }
  };
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const record =
  (key: Check, value: Check): Check =>
  (v, at) => {
    if (!isObject(v)) return fail(at, 'a mapping', v);
    for (const [k, x] of Object.entries(v)) {
      key(k, `${at} key`);
      value(x, `${at}.${k}`);
    }
  };
const list =
  (item: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return fail(at, 'a list', v);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
  };
/** Known keys only; `required` names those that must be present. */
const object =
  (shape: Record<string, Check>, required: string[], open = false): Check =>
  (v, at) => {
    if (!isObject(v)) return fail(at, 'a mapping', v);
    for (const k of required) if (!(k in v)) throw new Refusal(`${at}.${k}: missing`);
    for (const [k, x] of Object.entries(v)) {
      const c = shape[k];
      if (c) c(x, `${at}.${k}`);
      else if (!open) throw new Refusal(`${at}.${k}: not a manifest field`);
    }
  };

const HASH = str(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex digits>');
const NAME = str(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'a plain name (letters, digits, - and _)');
const FILE_NAME = str(/^(?!\.\.?$)[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a file name with no directory');
const ISO = str(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'an ISO-8601 UTC instant');
/** A path inside the project: never absolute, never climbing out with `..`, no backslashes. */
const PROJECT_PATH: Check = (v, at) => {
  str(/^[^\\\0]{1,500}$/, 'a relative path inside the project')(v, at);
  if (isAbsolute(v as string) || (v as string).split('/').includes('..')) {
    fail(at, 'a relative path inside the project (no absolute path, no ..)', v);
  }
};
const TEXT = str();
const SEED = either(str(/^.{0,200}$/), num, 'a seed (string or number)');
const STRINGS = record(TEXT, TEXT);

const MANIFEST = object(
  {
    format: int(1, 2),
    app: NAME,
    scenario: NAME,
    seed: SEED,
    days: int(0, 100_000),
    checkpoint: nullable(int(0, 100_000)),
    backend: oneOf(MANIFEST_BACKENDS),
    simulated: object({ historyStart: ISO, detailFrom: ISO, start: ISO, end: ISO }, [
      'historyStart',
      'detailFrom',
      'start',
      'end',
    ]),
    rowCounts: record(NAME, int(0)),
    totalRows: int(0),
    files: record(FILE_NAME, HASH),
    inputs: object(
      {
        scenario: HASH,
        overrides: object(
          {
            seed: SEED,
            days: int(0, 100_000),
            profile: object({ file: PROJECT_PATH, scale: num }, ['file', 'scale']),
          },
          [],
        ),
        schema: HASH,
        sources: STRINGS,
        packages: STRINGS,
        profile: object({ file: PROJECT_PATH, sha256: TEXT, scale: num, sources: STRINGS }, [
          'file',
          'sha256',
          'scale',
          'sources',
        ]),
      },
      ['scenario', 'overrides', 'schema', 'sources', 'packages'],
    ),
    generatorVersion: TEXT,
    versions: STRINGS,
    // What the data is, for people: typed where the tool reads it, open for what a profile records.
    provenance: object(
      {
        synthetic: bool,
        containsProductionData: bool,
        statement: TEXT,
        application: TEXT,
        stubbedVendors: list(TEXT),
        learnedProfile: (v, at) => (v === null || isObject(v) ? undefined : fail(at, 'a mapping or null', v)),
        privacyPolicy: nullable(TEXT),
      },
      [],
      true,
    ),
    invariants: list(object({ name: TEXT, violations: int(0) }, ['name', 'violations'])),
  },
  [
    'format',
    'app',
    'scenario',
    'seed',
    'days',
    'checkpoint',
    'backend',
    'rowCounts',
    'totalRows',
    'files',
    'inputs',
    'versions',
  ],
);

/**
 * A manifest is input like the dump it describes (anyone who can commit can write one): it is
 * checked against the shape `sim generate` writes before any field is used, so no path in it
 * leaves the project and no backend outside the list is ever named to the tool.
 */
export function validateManifest(value: unknown, file = 'manifest.json'): Manifest {
  try {
    MANIFEST(value, 'manifest');
  } catch (e) {
    if (e instanceof Refusal) throw new IntegrityError(`${file}: ${e.message}; the manifest was not written by sim`);
    throw e;
  }
  return value as Manifest;
}
