import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.ts';

// The README's examples are what a newcomer copies first, so they must not drift from the code:
// every ```ts block is a region of a real test file, and every `sim` command it names exists.

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `// #region name` … `// #endregion` blocks of every test file, keyed by file and name. */
function regions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of testFiles(join(ROOT, 'test'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\/\/ #region (\S+)\n([\s\S]*?)^\/\/ #endregion\b/gm)) {
      found.set(`${relative(ROOT, file)}#${m[1]}`, m[2]!);
    }
  }
  return found;
}

function codeBlocks(lang: string): string[] {
  return [...readme.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((m) => m[1]!);
}

/** The command names listed under "Commands:" in `sim --help`. */
function helpCommands(): Set<string> {
  const help = buildProgram().helpInformation();
  const section = help.slice(help.indexOf('Commands:'));
  return new Set([...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!));
}

describe('README.md', () => {
  it('shows TypeScript only as regions of real test files', () => {
    const known = regions();
    const blocks = codeBlocks('ts');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const match = [...known].find(([, region]) => region === block);
      expect(match, `README block not found verbatim in any test region:\n${block}`).toBeDefined();
    }
  });

  it('names only commands that `sim --help` lists', () => {
    const commands = helpCommands();
    expect(commands).toContain('generate');
    const named = new Set([...readme.matchAll(/(?:npx |`)sim ([a-z][a-z-]*)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(5);
    const missing = [...named].filter((c) => !commands.has(c));
    expect(missing, 'commands the README names but `sim --help` does not list').toEqual([]);
  });
});
