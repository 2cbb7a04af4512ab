import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SERVER_URL, runSim } from '../support/run-sim.ts';

const TINY = join(REPO, 'test/fixtures/scenarios/tiny.yaml');

async function generateInFreshDir(extra: string[] = []) {
  const out = mkdtempSync(join(tmpdir(), 'sim-det-'));
  const run = await runSim(['generate', TINY, '--out', out, '--quiet', ...extra]);
  expect(run.code, run.stderr).toBe(0);
  const dir = join(out, 'tiny');
  return {
    dump: readFileSync(join(dir, 'dump.sql')),
    sideEffects: readFileSync(join(dir, 'side-effects.jsonl')),
    manifest: readFileSync(join(dir, 'manifest.json'), 'utf8'),
    stderr: run.stderr,
  };
}

/** One embedded run every comparison below is made against (it ran in a process of its own). */
let referenceRun: ReturnType<typeof generateInFreshDir> | undefined;
const reference = () => (referenceRun ??= generateInFreshDir());

describe('determinism: same scenario and seed give the same bytes', () => {
  it('in two separate processes and fresh directories', async () => {
    const [a, b] = await Promise.all([reference(), generateInFreshDir()]);
    expect(a.dump.length).toBeGreaterThan(10_000);
    expect(a.dump.equals(b.dump)).toBe(true);
    expect(a.sideEffects.equals(b.sideEffects)).toBe(true);
    expect(a.manifest).toBe(b.manifest);
    // The run announces its seed and derived options first (replayable from any log).
    expect(a.stderr.split('\n')[0]).toMatch(
      /^sim generate: scenario=tiny seed=7 days=12 start=2026-02-20T00:00:00.000Z/,
    );
  });

  it('with random real-time latency injected into database calls and vendor stubs', async () => {
    const plain = await reference();
    const chaotic = await generateInFreshDir(['--chaos-latency-ms', '3']);
    expect(chaotic.dump.equals(plain.dump)).toBe(true);
    expect(chaotic.sideEffects.equals(plain.sideEffects)).toBe(true);
  });

  it('on a PostgreSQL server as embedded: the same bytes', async () => {
    const [embedded, server] = await Promise.all([
      reference(),
      generateInFreshDir(['--backend', 'postgres', '--database-url', SERVER_URL]),
    ]);
    expect(server.dump.equals(embedded.dump)).toBe(true);
    expect(server.sideEffects.equals(embedded.sideEffects)).toBe(true);
  });

  // CI builds the image (SIM_POSTGRES_IMAGE); elsewhere vitest lists this as skipped.
  it.skipIf(!process.env.SIM_POSTGRES_IMAGE)(
    'in a container as embedded: the same bytes, multibyte names included',
    async () => {
      const [embedded, container] = await Promise.all([reference(), generateInFreshDir(['--backend', 'docker'])]);
      expect(embedded.dump.toString('utf8')).toMatch(/[\u3040-\u9fff]/); // the fixture has CJK names
      expect(container.dump.toString('utf8')).toBe(embedded.dump.toString('utf8'));
    },
  );

  it('a different seed gives different data', async () => {
    const a = await reference();
    const b = await generateInFreshDir(['--seed', '8']);
    expect(a.dump.equals(b.dump)).toBe(false);
  });
});
