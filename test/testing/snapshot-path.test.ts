import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { resolveSnapshotDir, SnapshotNotFoundError } from 'facade-sim/testing';

const BASELINE = fileURLToPath(new URL('../../snapshots/baseline-45d', import.meta.url));
const elsewhere = mkdtempSync(join(tmpdir(), 'sim-no-config-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

it('finds a snapshot by name through sim.config.ts from any folder of the project', async () => {
  const deep = fileURLToPath(new URL('.', import.meta.url));
  expect(await resolveSnapshotDir('baseline-45d', { cwd: deep })).toBe(BASELINE);
  expect(await resolveSnapshotDir('snapshots/baseline-45d', { cwd: deep })).toBe(BASELINE);
});

it('takes a file URL relative to the test, or an absolute path, whatever the working directory', async () => {
  expect(await resolveSnapshotDir(new URL('../../snapshots/baseline-45d', import.meta.url), { cwd: elsewhere })).toBe(
    BASELINE,
  );
  expect(await resolveSnapshotDir(BASELINE, { cwd: elsewhere })).toBe(BASELINE);
});

it('names every path it tried and the command that generates a missing snapshot', async () => {
  const error = await resolveSnapshotDir('no-such-scenario').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SnapshotNotFoundError);
  const { message, tried } = error as SnapshotNotFoundError;
  expect(tried).toContain(fileURLToPath(new URL('../../snapshots/no-such-scenario', import.meta.url)));
  for (const path of tried) expect(message).toContain(path);
  expect(message).toContain('npx sim generate no-such-scenario');
});

it('never falls back to the working directory for a relative path', async () => {
  const error = await resolveSnapshotDir('snapshots/baseline-45d', { cwd: elsewhere }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SnapshotNotFoundError);
  expect((error as Error).message).toMatch(/no sim\.config\.ts in .* pass an absolute path or new URL/);
});
