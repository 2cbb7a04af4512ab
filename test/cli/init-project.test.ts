import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject } from '../../cli/init-project.ts';

// What `sim init` writes and refuses; that the result generates is proven from the tarball
// (test/package/consumer.test.ts), where `facade-sim` resolves as it does for a user.
describe('sim init', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'facade-sim-init-'));
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(
      join(dir, 'drizzle.config.ts'),
      "export default { dialect: 'postgresql', schema: \"./db/schema.ts\", out: './db/migrations' };\n",
    );
    writeFileSync(join(dir, 'db/schema.ts'), 'export {};\n');
    writeFileSync(join(dir, 'db/migrations/0000_init.sql'), 'CREATE TABLE t (id int);\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("wires the binding to drizzle.config's schema and migrations", () => {
    const written = initProject({ cwd: dir });
    expect(written).toContain('sim.config.ts');
    const binding = readFileSync(join(dir, 'sim/index.ts'), 'utf8');
    expect(binding).toContain("import * as schema from '../db/schema.ts';");
    expect(binding).toContain("new URL('../db/migrations', import.meta.url)");
    expect(readFileSync(join(dir, 'sim/scenarios/baseline.yaml'), 'utf8')).toMatch(/^name: baseline$/m);
  });

  it('refuses to overwrite a file, names it, and writes nothing', () => {
    writeFileSync(join(dir, 'sim.config.ts'), '// mine\n');
    expect(() => initProject({ cwd: dir })).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => initProject({ cwd: dir })).toThrow(join(dir, 'sim.config.ts'));
    expect(readFileSync(join(dir, 'sim.config.ts'), 'utf8')).toBe('// mine\n');
    expect(existsSync(join(dir, 'sim'))).toBe(false);
  });

  it('asks for the schema when no drizzle config names one, and for migrations when there are none', () => {
    rmSync(join(dir, 'drizzle.config.ts'));
    expect(() => initProject({ cwd: dir })).toThrow(/--schema <file>/);
    rmSync(join(dir, 'db/migrations/0000_init.sql'));
    expect(() => initProject({ cwd: dir, schema: 'db/schema.ts', migrations: 'db/migrations' })).toThrow(
      /drizzle-kit generate/,
    );
  });
});
