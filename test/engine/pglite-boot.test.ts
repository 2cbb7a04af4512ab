import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Each case runs in a fresh process: the image path is memoised per process.
const dir = mkdtempSync(join(tmpdir(), 'sim-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boot(cacheDir: string) {
  const script = `
    import { createPglite } from './engine/db/pglite-boot.ts';
    import { cacheDir } from './engine/util/cache-dir.ts';
    const pg = await createPglite();
    const { rows } = await pg.query("select current_setting('server_version') as v");
    await pg.close();
    console.log(JSON.stringify({ version: rows[0].v, cacheDir: cacheDir() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SIM_CACHE_DIR: cacheDir },
  });
  return {
    status: r.status,
    stderr: r.stderr,
    out: r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : undefined,
  };
}

describe('PGlite boots from a cached empty cluster', () => {
  it('runs initdb once, in a child process, and later boots reuse the image', () => {
    const first = boot(dir);
    expect(first.status, first.stderr).toBe(0);
    expect(first.out.cacheDir).toBe(dir);
    expect(first.out.version).toMatch(/^18\./);
    const image = join(dir, 'pglite-0.5.8-empty-cluster.tar');
    expect(existsSync(image)).toBe(true);
    const second = boot(dir);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
  });

  it('falls back to initdb in process, with one warning, when the cache cannot be written', () => {
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'x');
    const r = boot(join(notADir, 'cache'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/could not cache an empty PGlite cluster in .*a-file\/cache .*running initdb in process/);
    expect(r.out.version).toMatch(/^18\./);
  });
});
