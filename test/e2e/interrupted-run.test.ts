import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { getContainerRuntimeClient } from 'testcontainers';
import { expect, it } from 'vitest';
import { REPO, SERVER_URL, SIM } from '../support/run-sim.ts';

// The local server over its Unix socket as well, when it has one: the cleanup's new connection
// must get past the egress guard by the socket file, not by host and port.
const SOCKET_DIR = '/var/run/postgresql';
const socketUrl =
  !process.env.SIM_TEST_DATABASE_URL && existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`)
    ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(SOCKET_DIR)}`
    : undefined;
const servers = [{ via: 'TCP', url: SERVER_URL }, ...(socketUrl ? [{ via: 'its Unix socket', url: socketUrl }] : [])];

it.each(servers)(
  'a server run over $via interrupted with SIGINT exits 130 and drops the database it created',
  async ({ url }) => {
    const out = mkdtempSync(join(tmpdir(), 'sim-interrupt-'));
    const child = spawn(
      process.execPath,
      [SIM, 'generate', 'baseline-45d', '--days', '10', '--backend', 'postgres', '--database-url', url, '--out', out],
      { cwd: REPO, env: { ...process.env, CI: '1' } },
    );
    let stderr = '';
    let database: string | undefined;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        database ??= /databases: database (sim_\w+)/.exec(stderr)?.[1];
        // Interrupt in the middle of the simulation (its history), with the run's database filling up.
        if (/history 2024-0[4-9]/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\)/);
    expect(stderr).not.toMatch(/cleanup failed/);
    expect(database, 'the run names its database first').toMatch(/^sim_generate_[0-9a-f]+_s0$/);
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      expect(rows, `${database} should have been dropped`).toHaveLength(0);
    } finally {
      await admin.end();
    }
  },
  120_000,
);

it.skipIf(!process.env.SIM_POSTGRES_IMAGE)(
  'a docker run interrupted with SIGINT exits 130, and its container and data volume go with the process',
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-interrupt-'));
    const child = spawn(
      process.execPath,
      [SIM, 'generate', 'baseline-45d', '--days', '10', '--backend', 'docker', '--out', out],
      { cwd: REPO, env: { ...process.env, CI: '1' } },
    );
    let stderr = '';
    let where: RegExpExecArray | null = null;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        where ??= /in container ([0-9a-f]{12})(?:, data volume (facade-sim-pgdata-[0-9a-f]+))?/.exec(stderr);
        if (/history 2024-0[4-9]/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).not.toMatch(/cleanup failed|still running/);
    expect(where, 'the run names its container first').not.toBeNull();
    const [, containerId, volume] = where!;
    // The run's sandbox (MSW, the egress guard) stays up until the process exits, so the container's
    // reaper, a process of its own, removes it then.
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const containers = () => docker.listContainers({ all: true, filters: { id: [containerId!] } });
    for (let i = 0; i < 40 && (await containers()).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await containers(), `container ${containerId} outlived its run`).toEqual([]);
    if (volume) expect((await docker.listVolumes({ filters: { name: [volume] } })).Volumes ?? []).toEqual([]);
  },
  120_000,
);
