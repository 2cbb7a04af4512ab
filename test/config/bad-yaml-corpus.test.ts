import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadYaml, validate } from '../../engine/config/index.ts';
import { sampleSchema } from './sample-validator.ts';

const DIR = join(import.meta.dirname, '../fixtures/bad-yaml');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Load + validate the way a scenario loader does; returns the error it throws. */
function rejectionOf(text: string, file: string): unknown {
  try {
    validate(sampleSchema, loadYaml(text, file), file);
  } catch (e) {
    return e;
  }
  return undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad-yaml corpus: every broken file is refused with file:line:col and a clear message', () => {
  it('has at least 40 cases', () => expect(files.length).toBeGreaterThanOrEqual(40));

  it.each(files)('%s', (name) => {
    const path = join(DIR, name);
    const text = readFileSync(path, 'utf8');
    // Each fixture states what it expects on its first line: `# expect: <substring of the error>`.
    const expected = /^\uFEFF?# expect: (.*?)\r?$/m.exec(text.split('\n')[0]!)?.[1];
    expect(expected, `${name} needs a first-line '# expect:' comment`).toBeTruthy();
    const file = relative(process.cwd(), path);
    const error = rejectionOf(text, file);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+: `));
    expect(message).toContain(expected);
  });

  it('an oversized file is refused before parsing (generated, not committed)', () => {
    const text = 'name: big\n' + `# ${'x'.repeat(100)}\n`.repeat(10_000);
    const error = rejectionOf(text, 'scenarios/big.yaml');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^scenarios\/big\.yaml:1:1: file is larger than 1000000 bytes/);
  });
});
