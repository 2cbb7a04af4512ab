import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
  type YAMLError,
} from 'yaml';
import { ConfigError } from './config-error.ts';

export interface YamlLimits {
  maxBytes: number;
  maxAliases: number;
  maxDepth: number;
}

/** Scenario files are small hand-written data; anything far bigger or deeper is a mistake or an attack. */
export const DEFAULT_LIMITS: YamlLimits = { maxBytes: 1_000_000, maxAliases: 50, maxDepth: 32 };

export type YamlPath = (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export interface LoadedYaml {
  value: unknown;
  /** Position of the value at `path` (or of its nearest existing parent, for missing keys). */
  locate(path: YamlPath): Position;
  /** Position of the key that ends `path` (unknown keys are reported where the key is written). */
  locateKey(path: YamlPath): Position;
  /**
   * The source text of the plain scalar at `path`: the 1.2 core schema silently reads `0042` as 42,
   * so the validator needs what the user actually typed to refuse it.
   */
  sourceOf(path: YamlPath): string | undefined;
}

/** Tags the core schema resolves to plain data; others (`!!binary`, custom) would smuggle in objects. */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

/** yaml's own wording, rephrased where it would send a scenario author to the yaml docs. */
function describeYamlError(e: YAMLError, text: string): string {
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (e.code) {
    case 'DUPLICATE_KEY': {
      // The error range marks only the start of the repeated key; read the key up to its colon.
      const key = text
        .slice(e.pos[0], e.pos[0] + 200)
        .split(/[:\r\n,}]/)[0]!
        .trim()
        .replace(/^(["'])(.*)\1$/, '$2');
      return `duplicate key${key ? ` '${key.slice(0, 60)}'` : ''}: each key may appear once per mapping`;
    }
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation: indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document (---): a scenario file is a single document';
    default:
      return first;
  }
}

/**
 * Parses one strict YAML 1.2 (core schema) document into plain data. Everything a scenario author
 * can get wrong at the YAML level is a ConfigError with file:line:column before any value is used:
 * syntax, duplicate keys, tab indentation, size, alias expansion, depth, NUL bytes, several
 * documents, an empty file, or a root that is not a mapping. YAML 1.1 readings (`no` -> false,
 * `0042` -> octal) do not happen in 1.2; the validator refuses them where they would
 * surprise a reader (see `sourceOf`).
 */
export function loadYaml(text: string, file: string, limits: Partial<YamlLimits> = {}): LoadedYaml {
  const lim: YamlLimits = { ...DEFAULT_LIMITS, ...limits };
  const fail = (pos: Position, problem: string): never => {
    throw new ConfigError({ file, line: pos.line, column: pos.column, path: '', problem });
  };
  // Before parsing: the parser itself is what an oversized file would attack.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > lim.maxBytes) {
    fail(
      { line: 1, column: 1 },
      `file is larger than ${lim.maxBytes} bytes (${bytes}); scenario files are small, readable data`,
    );
  }
  // Editors on Windows add a BOM; it is not content, and positions should not count it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const textPos = (offset: number): Position => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  };

  const nul = text.indexOf('\u0000');
  if (nul >= 0) fail(textPos(nul), 'NUL byte in file: is this a binary file?');

  let doc: ReturnType<typeof parseDocument>;
  try {
    // maxAliasCount is a toJS option in yaml 2.x (passed there below), not a parse option.
    doc = parseDocument(text, {
      version: '1.2',
      schema: 'core',
      uniqueKeys: true,
      prettyErrors: true,
      merge: false,
      lineCounter,
      strict: true,
    });
  } catch (e) {
    // A pathological nesting can exhaust the parser's stack before our depth check runs.
    return fail(
      { line: 1, column: 1 },
      `cannot parse: ${(e as Error).message} (nesting deeper than ${lim.maxDepth} levels?)`,
    );
  }
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    throw new ConfigError(
      yamlProblems.map((e) => ({ file, ...at(e.pos[0]), path: '', problem: describeYamlError(e, text) })),
    );
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '')) {
    fail({ line: 1, column: 1 }, 'file is empty: expected a mapping of settings (name: …, seed: …)');
  }
  const root = doc.contents as Node;
  if (!isMap(root)) {
    fail(
      at(root.range?.[0] ?? 0),
      `expected a mapping at the top level (name: …, seed: …), got ${isSeq(root) ? 'a list' : 'a single value'}`,
    );
  }

  // Depth, alias budget, keys and tags are checked on the tree, before aliases are expanded.
  let aliases = 0;
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    const pos = () => at(n.range?.[0] ?? 0);
    // Depth counts nested lists/mappings: that is what recursion in toJS and the validator follows.
    if (isCollection(n) && depth > lim.maxDepth) fail(pos(), `nesting deeper than ${lim.maxDepth} levels`);
    if (isAlias(n) && ++aliases > lim.maxAliases) {
      fail(pos(), `more than ${lim.maxAliases} aliases (*name): aliases are limited to keep expansion bounded`);
    }
    if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
      fail(
        pos(),
        `tag ${n.tag.replace('tag:yaml.org,2002:', '!!')} is not supported: scenario files hold plain strings, ` +
          `numbers, booleans, lists and mappings`,
      );
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isScalar(pair.key) || (pair.key.value !== null && typeof pair.key.value === 'object')) {
          fail(
            at((pair.key as Node | null)?.range?.[0] ?? n.range?.[0] ?? 0),
            'keys must be plain names, not lists or mappings',
          );
        }
        if ((pair.key as { value: unknown }).value === null) {
          fail(at((pair.key as Node).range?.[0] ?? 0), 'empty key: every entry needs a name before the colon');
        }
        walk(pair.key, depth + 1);
        walk(pair.value, depth + 1);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) walk(item, depth + 1);
    } else if (isPair(n)) {
      walk(n.key, depth + 1);
      walk(n.value, depth + 1);
    }
  };
  walk(root, 1);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: lim.maxAliases });
  } catch (e) {
    // yaml's own guard against exponential expansion (billion laughs) throws without a position.
    let firstAlias: Node | undefined;
    const find = (node: unknown): void => {
      if (firstAlias || !node || typeof node !== 'object') return;
      if (isAlias(node)) firstAlias = node;
      else if (isMap(node)) for (const p of node.items) find(p.value);
      else if (isSeq(node)) node.items.forEach(find);
    };
    find(root);
    fail(
      at(firstAlias?.range?.[0] ?? 0),
      /alias/i.test((e as Error).message)
        ? `aliases expand to too much data (more than ${lim.maxAliases} aliased values): ${(e as Error).message}`
        : (e as Error).message,
    );
  }

  const keyMatches = (k: unknown, key: string | number) => (isScalar(k) ? String(k.value) : String(k)) === String(key);
  /** The node at `path`, or the deepest existing ancestor (missing keys are reported on their parent). */
  const nodeAt = (path: YamlPath): Node => {
    let node: Node = root;
    for (const key of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyMatches(p.key, key));
        next = pair ? (pair.value ?? pair.key) : undefined;
      } else if (isSeq(node) && typeof key === 'number') next = node.items[key];
      if (isAlias(next)) next = next.resolve(doc) ?? next;
      if (!next || typeof next !== 'object') return node;
      node = next as Node;
    }
    return node;
  };
  const keyAt = (path: YamlPath): Node => {
    const parent = nodeAt(path.slice(0, -1));
    if (isMap(parent)) {
      const pair = parent.items.find((p) => keyMatches(p.key, path[path.length - 1]!));
      if (pair && isScalar(pair.key)) return pair.key;
    }
    return nodeAt(path);
  };
  // A null value (`key:` with nothing after it) has an empty range at the end of the line; report the key instead.
  const posOf = (path: YamlPath): Position => {
    const n = nodeAt(path);
    if (isScalar(n) && n.value === null && !n.source && path.length > 0) return at(keyAt(path).range?.[0] ?? 0);
    return at(n.range?.[0] ?? 0);
  };

  return {
    value,
    locate: posOf,
    locateKey: (path) => at(keyAt(path).range?.[0] ?? 0),
    sourceOf(path) {
      const n = nodeAt(path);
      if (!isScalar(n) || isCollection(n)) return undefined;
      return n.type === 'PLAIN' ? (n.source ?? String(n.value)) : undefined;
    },
  };
}
