import { describe, expect, it } from 'vitest';
import { ConfigError, loadYaml } from '../../engine/config/index.ts';

/** The error loadYaml throws for `text`, as `file:line:col: message`. */
function refusal(text: string, limits?: Parameters<typeof loadYaml>[2]): string {
  try {
    loadYaml(text, 'scenarios/foo.yaml', limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected loadYaml to refuse the input');
}

describe('loadYaml: strict YAML 1.2 into plain data, with positions', () => {
  it('returns the value and where each value is written', () => {
    const loaded = loadYaml(
      'name: demo\npopulation:\n  arrivals:\n    perWeekday: 3\nlist:\n  - a\n  - b\n',
      'scenarios/foo.yaml',
    );
    expect(loaded.value).toEqual({ name: 'demo', population: { arrivals: { perWeekday: 3 } }, list: ['a', 'b'] });
    expect(loaded.locate(['population', 'arrivals', 'perWeekday'])).toEqual({ line: 4, column: 17 });
    expect(loaded.locateKey(['population', 'arrivals', 'perWeekday'])).toEqual({ line: 4, column: 5 });
    expect(loaded.locate(['list', 1])).toEqual({ line: 7, column: 5 });
    // A missing key is located at its nearest existing parent.
    expect(loaded.locate(['population', 'arrivals', 'nope'])).toEqual({ line: 4, column: 5 });
  });

  it('keeps YAML 1.1 booleans as strings and dates as strings (1.2 core schema)', () => {
    const { value } = loadYaml('a: no\nb: YES\nc: 2026-02-20\nd: true\n', 'f.yaml');
    expect(value).toEqual({ a: 'no', b: 'YES', c: '2026-02-20', d: true });
  });

  it('exposes the source text of plain scalars, so `0042` can be told from `42`', () => {
    const loaded = loadYaml('a: 0042\nb: "0042"\n', 'f.yaml');
    expect(loaded.value).toEqual({ a: 42, b: '0042' });
    expect(loaded.sourceOf(['a'])).toBe('0042');
    expect(loaded.sourceOf(['b'])).toBeUndefined();
  });

  it('strips a UTF-8 BOM and accepts CRLF line endings', () => {
    const loaded = loadYaml('\uFEFFa: 1\r\nb:\r\n  c: x\r\n', 'f.yaml');
    expect(loaded.value).toEqual({ a: 1, b: { c: 'x' } });
    expect(loaded.locate(['b', 'c'])).toEqual({ line: 3, column: 6 });
  });

  it('refuses syntax errors at their position', () => {
    expect(refusal('a: 1\nb: "open\n')).toMatch(/^scenarios\/foo\.yaml:\d+:\d+: Missing closing "quote/);
    expect(refusal('a: [1, 2\n')).toMatch(/^scenarios\/foo\.yaml:2:1: Flow sequence/);
  });

  it('refuses duplicate keys, naming the key', () => {
    expect(refusal('a: 1\nb:\n  c: 1\n  c: 2\n')).toBe(
      "scenarios/foo.yaml:4:3: duplicate key 'c': each key may appear once per mapping",
    );
  });

  it('refuses tab indentation', () => {
    expect(refusal('a:\n\tb: 1\n')).toBe(
      'scenarios/foo.yaml:2:1: tab character used for indentation: indent with spaces',
    );
  });

  it('refuses oversized input before parsing it', () => {
    expect(refusal('a: "' + 'x'.repeat(200) + '"\n', { maxBytes: 100 })).toBe(
      'scenarios/foo.yaml:1:1: file is larger than 100 bytes (206); scenario files are small, readable data',
    );
  });

  it('refuses alias bombs (billion laughs) and too many aliases', () => {
    const lol =
      'a: &a [x, x, x, x, x, x, x, x, x]\n' +
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' +
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    expect(refusal(lol)).toMatch(/^scenarios\/foo\.yaml:2:8: aliases expand to too much data/);
    expect(refusal('x: &x 1\ny: [' + Array(5).fill('*x').join(', ') + ']\n', { maxAliases: 3 })).toBe(
      'scenarios/foo.yaml:2:17: more than 3 aliases (*name): aliases are limited to keep expansion bounded',
    );
  });

  it('refuses excessive depth', () => {
    expect(refusal('a:\n  b:\n    c:\n      d: 1\n', { maxDepth: 3 })).toBe(
      'scenarios/foo.yaml:4:7: nesting deeper than 3 levels',
    );
  });

  it('refuses NUL bytes, empty files, non-mapping roots and several documents', () => {
    expect(refusal('a: 1\nb: x\u0000y\n')).toBe('scenarios/foo.yaml:2:5: NUL byte in file: is this a binary file?');
    expect(refusal('')).toBe(
      'scenarios/foo.yaml:1:1: file is empty: expected a mapping of settings (name: …, seed: …)',
    );
    expect(refusal('# only a comment\n')).toMatch(/:1:1: file is empty/);
    expect(refusal('- a\n- b\n')).toBe(
      'scenarios/foo.yaml:1:1: expected a mapping at the top level (name: …, seed: …), got a list',
    );
    expect(refusal('a: 1\n---\nb: 2\n')).toBe(
      'scenarios/foo.yaml:2:1: more than one YAML document (---): a scenario file is a single document',
    );
  });

  it('refuses non-core tags that would smuggle in objects', () => {
    expect(refusal('a: !!binary aGVsbG8=\n')).toBe(
      'scenarios/foo.yaml:1:13: tag !!binary is not supported: ' +
        'scenario files hold plain strings, numbers, booleans, lists and mappings',
    );
  });
});
