// Crash debris: a run killed with SIGKILL skips every cleanup; `sim clean` finds the databases
// whose marker names an owner process that is gone and drops them, and nothing else: not a live
// run's, not a template kept on purpose, not an unmarked database that merely looks like ours.
// The same for containers and volumes, by their owner label, when the run's reaper died too.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ID } from '../../engine/db/open-backend.ts';
import { createOwnedDatabase } from '../../engine/safety/index.ts';
import { OWNER_LABEL } from '../../engine/reaper/reaper.ts';
import { getContainerRuntimeClient } from 'testcontainers';
import { runSim, SERVER_URL } from '../support/run-sim.ts';
import { recordTally } from './tally.ts';

const run = randomBytes(3).toString('hex');
const name = (what: string) => `sim_debris_${run}_${what}`;
const created: string[] = [];
let inputs = 0;
let wrong = 0;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const exists = (db: string) =>
  admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rowCount === 1);

afterAll(async () => {
  await admin(async (c) => {
    for (const db of created) await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`);
  });
  recordTally({ suite: 'debris', tried: inputs, refused: inputs - wrong });
  console.log(
    `debris: ${inputs} databases, containers and volumes presented to sim clean: ` +
      `${wrong} wrongly kept or wrongly dropped`,
  );
});

function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

describe('sim clean', () => {
  it('drops databases of dead owners only, and --dry-run drops nothing', async () => {
    const dead = deadPid();
    const cases: { db: string; reaped: boolean }[] = [];
    const make = async (what: string, owner: { pid: number; host: string } | undefined, reaped: boolean) => {
      const db = name(what);
      created.push(db);
      await createOwnedDatabase(SERVER_URL, { name: db, project: PROJECT_ID, purpose: 'generate', owner });
      cases.push({ db, reaped });
    };
    await make('dead', { pid: dead, host: hostname() }, true);
    await make('dead2', { pid: dead, host: hostname() }, true);
    await make('live', { pid: process.pid, host: hostname() }, false);
    await make('elsewhere', { pid: dead, host: 'another-host.example' }, false);
    await make('template', undefined, false);
    const unmarked = name('unmarked');
    created.push(unmarked);
    await admin((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(unmarked)}`));
    cases.push({ db: unmarked, reaped: false });

    const dry = await runSim(['clean', '--database-url', SERVER_URL, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    for (const c of cases) {
      expect(await exists(c.db), `${c.db} after --dry-run`).toBe(true);
      expect(dry.stdout.includes(`would drop ${c.db} `), `${c.db} listed`).toBe(c.reaped);
    }
    const real = await runSim(['clean', '--database-url', SERVER_URL]);
    expect(real.code, real.stderr).toBe(0);
    for (const c of cases) {
      inputs++;
      const gone = !(await exists(c.db));
      if (gone !== c.reaped) wrong++;
      expect(gone, `${c.db} ${c.reaped ? 'should be dropped' : 'should be kept'}`).toBe(c.reaped);
    }
  }, 120_000);

  it.skipIf(!process.env.SIM_POSTGRES_IMAGE)(
    'removes the containers and volumes of dead owners only, and never a container left for the user',
    async () => {
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      const dead = deadPid();
      const cases: { name: string; reaped: boolean; kind: 'container' | 'volume' }[] = [];
      const ids: string[] = [];
      const volumes: string[] = [];
      const container = async (owner: string | undefined, reaped: boolean) => {
        const labels: Record<string, string> = owner ? { [OWNER_LABEL]: owner } : {};
        const c = await docker.createContainer({ Image: process.env.SIM_POSTGRES_IMAGE, Labels: labels });
        ids.push(c.id);
        cases.push({ name: c.id.slice(0, 12), reaped, kind: 'container' });
      };
      await container(`${dead}@${hostname()}`, true);
      await container(`${process.pid}@${hostname()}`, false);
      await container(`${dead}@another-host.example`, false);
      await container(undefined, false); // as `sim restore --engine docker` leaves one running for the user
      const volume = `facade-sim-pgdata-debris-${run}`;
      await docker.createVolume({ Name: volume, Labels: { [OWNER_LABEL]: `${dead}@${hostname()}` } });
      volumes.push(volume);
      cases.push({ name: volume, reaped: true, kind: 'volume' });
      const present = async (c: (typeof cases)[number]) =>
        c.kind === 'container'
          ? (await docker.listContainers({ all: true, filters: { id: [c.name] } })).length > 0
          : ((await docker.listVolumes({ filters: { name: [c.name] } })).Volumes ?? []).length > 0;
      try {
        const dry = await runSim(['clean', '--database-url', SERVER_URL, '--dry-run']);
        expect(dry.code, dry.stderr).toBe(0);
        for (const c of cases) {
          expect(await present(c), `${c.kind} ${c.name} after --dry-run`).toBe(true);
          expect(dry.stdout.includes(`would remove ${c.kind} ${c.name} `), `${c.name} listed`).toBe(c.reaped);
        }
        const real = await runSim(['clean', '--database-url', SERVER_URL]);
        expect(real.code, real.stderr).toBe(0);
        for (const c of cases) {
          inputs++;
          const gone = !(await present(c));
          if (gone !== c.reaped) wrong++;
          expect(gone, `${c.kind} ${c.name} ${c.reaped ? 'should be removed' : 'should be kept'}`).toBe(c.reaped);
        }
      } finally {
        for (const id of ids) {
          await docker
            .getContainer(id)
            .remove({ force: true })
            .catch(() => {});
        }
        for (const v of volumes) {
          await docker
            .getVolume(v)
            .remove()
            .catch(() => {});
        }
      }
    },
    120_000,
  );
});
