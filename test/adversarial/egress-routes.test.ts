/**
 * Hostile app code inside a real run: each egress route, from a fixture binding in the sandboxed
 * simulation process, must end the run with exit 4, reach no canary (TCP or UDP on 127.0.0.1) and
 * leave no snapshot behind, even though the app swallows every error it gets.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingBinding } from '../../bindings/billing/billing-binding.ts';
import { generate } from '../../engine/run/generate.ts';
import { EGRESS_ROUTES } from '../fixtures/bindings/hostile-binding.ts';
import { REPO } from '../support/run-sim.ts';
import { startCanaries } from './canaries.ts';
import { recordTally } from './tally.ts';

const TINY = join(REPO, 'test/fixtures/scenarios/tiny.yaml');
const HOSTILE = join(REPO, 'test/fixtures/bindings/hostile-binding.ts');
// Tried once the run has started (MSW and the database are up); the others while the app's
// modules load, which is also the quicker way to fail.
const AT_START = new Set([
  'fetch, not caught',
  'fetch in a timer, never awaited',
  'dgram send',
  'dns.promises.Resolver at the canary',
  'worker_threads Worker that spawns and fetches',
  'child_process.execSync captured at load',
]);

let canaries: Awaited<ReturnType<typeof startCanaries>>;
const work = mkdtempSync(join(tmpdir(), 'sim-egress-routes-'));
const results: { route: string; exitCode: unknown; snapshot: boolean; outbound: number; message: string }[] = [];

beforeAll(async () => {
  canaries = await startCanaries();
});

afterAll(async () => {
  await canaries.close();
  rmSync(work, { recursive: true, force: true });
  const refused = results.filter((r) => r.exitCode === 4 && !r.snapshot && r.outbound === 0).length;
  recordTally({
    suite: 'egress routes',
    tried: results.length,
    refused,
    outboundConnections: canaries.connections(),
    egressRoutes: results.length,
  });
  process.stdout.write(
    `\negress routes: ${results.length} routes tried, ${refused} ended with exit 4, ` +
      `${results.filter((r) => r.snapshot).length} snapshots written, ${canaries.connections()} outbound connections\n`,
  );
});

describe('egress routes from app code in the sandbox', () => {
  it('has at least 25 distinct routes', () => {
    expect(Object.keys(EGRESS_ROUTES).length).toBeGreaterThanOrEqual(25);
  });

  for (const route of Object.keys(EGRESS_ROUTES)) {
    const when = AT_START.has(route) ? 'start' : 'load';
    it(`${route} (at ${when}): exit 4, nothing reached, no snapshot`, async () => {
      const dir = mkdtempSync(join(work, 'route-'));
      const wrapper = join(dir, 'binding.mts');
      writeFileSync(
        wrapper,
        `import { hostileBinding } from ${JSON.stringify(HOSTILE)};\n` +
          `export default hostileBinding(${JSON.stringify(route)}, ${JSON.stringify(canaries.ports)}, '${when}');\n`,
      );
      const out = join(dir, 'snapshots');
      const before = canaries.connections();
      let error: (Error & { exitCode?: number }) | undefined;
      try {
        await generate(billingBinding, {
          bindingModule: wrapper,
          projectRoot: REPO,
          scenarioFile: TINY,
          days: 1,
          checkpoints: [],
          outDir: out,
          backend: 'pglite',
          quiet: true,
          log: () => {},
        });
      } catch (e) {
        error = e as Error & { exitCode?: number };
      }
      const snapshot =
        existsSync(out) &&
        readdirSync(out, { recursive: true }).some((f) => /dump\.sql|manifest\.json/.test(String(f)));
      const outbound = canaries.connections() - before;
      results.push({ route, exitCode: error?.exitCode, snapshot, outbound, message: error?.message ?? '' });
      expect({ exitCode: error?.exitCode, snapshot, outbound }, error?.message ?? 'the run succeeded').toEqual({
        exitCode: 4,
        snapshot: false,
        outbound: 0,
      });
    });
  }
});
