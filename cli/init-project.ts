import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CONFIG_FILES } from '../engine/config/sim-config.ts';
import { UsageError } from './usage-error.ts';

export interface InitOptions {
  cwd: string;
  /** The drizzle schema module, when drizzle.config.* does not name one. */
  schema?: string;
  /** drizzle-kit's migrations folder, when drizzle.config.* does not name one (default ./drizzle). */
  migrations?: string;
}

const DRIZZLE_CONFIGS = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.js', 'drizzle.config.mjs'];

/**
 * `sim init`: a config, a binding with one actor and one vendor stub, and one scenario, wired to
 * the project's drizzle schema and migrations, so that `sim generate` runs at once. Returns the
 * files written; writes none if any of them exists.
 */
export function initProject(options: InitOptions): string[] {
  const cwd = resolve(options.cwd);
  const drizzle = readDrizzleConfig(cwd);
  const schemaPath = options.schema ?? drizzle.schema;
  if (!schemaPath) {
    throw new UsageError(
      `no drizzle schema found: no ${DRIZZLE_CONFIGS[0]} with a \`schema: './path'\` in ${cwd}; pass --schema <file>`,
    );
  }
  const schemaFile = resolve(cwd, schemaPath);
  if (!existsSync(schemaFile) || !statSync(schemaFile).isFile()) {
    throw new UsageError(`--schema ${schemaPath}: ${schemaFile} is not a file (sim init needs the schema module)`);
  }
  const migrationsDir = resolve(cwd, options.migrations ?? drizzle.out ?? 'drizzle');
  const hasSql = existsSync(migrationsDir) && readdirSync(migrationsDir).some((f) => f.endsWith('.sql'));
  if (!hasSql) {
    throw new UsageError(
      `no SQL migrations in ${migrationsDir}: the simulator builds the schema from them; ` +
        'run `npx drizzle-kit generate` first (or pass --migrations <folder>)',
    );
  }

  const fromSim = (to: string) => {
    const rel = relative(join(cwd, 'sim'), to).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  const files: Record<string, string> = {
    'sim.config.ts': configTemplate(),
    'sim/index.ts': bindingTemplate(fromSim(schemaFile), fromSim(migrationsDir)),
    'sim/app-scenario.ts': scenarioFormatTemplate(),
    'sim/customer-actor.ts': actorTemplate(),
    'sim/example-vendor-stub.ts': vendorStubTemplate(),
    'sim/scenarios/baseline.yaml': scenarioTemplate(),
  };
  const clashes = [...Object.keys(files), ...CONFIG_FILES.filter((name) => name !== 'sim.config.ts')].filter((name) =>
    existsSync(join(cwd, name)),
  );
  if (clashes.length) {
    throw new UsageError(
      `${join(cwd, clashes[0]!)} already exists; sim init writes nothing over existing files ` +
        '(move it away, or edit your config by hand: see docs/your-own-app.md)',
    );
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, name)), { recursive: true });
    writeFileSync(join(cwd, name), text, { flag: 'wx' });
  }
  return Object.keys(files);
}

/** schema and out of drizzle.config.*, read as text: loading it would need drizzle-kit and its env. */
function readDrizzleConfig(cwd: string): { schema?: string; out?: string } {
  const file = DRIZZLE_CONFIGS.map((name) => join(cwd, name)).find((f) => existsSync(f));
  if (!file) return {};
  const text = readFileSync(file, 'utf8');
  const value = (key: string) => new RegExp(`\\b${key}\\s*:\\s*(['"\`])([^'"\`]+)\\1`).exec(text)?.[2];
  return { schema: value('schema'), out: value('out') };
}

const configTemplate = () => `import { defineConfig } from 'facade-sim/config';

// The apps facade-sim simulates in this project (docs: node_modules/facade-sim/docs/your-own-app.md).
export default defineConfig({
  apps: {
    app: {
      binding: './sim/index.ts',
      scenarios: './sim/scenarios',
      snapshots: './sim/snapshots',
      defaultScenario: 'baseline',
    },
  },
});
`;

const bindingTemplate = (schemaImport: string, migrationsPath: string) => `import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { sqlMigrations, type AppBinding, type SimDatabase } from 'facade-sim';
import * as schema from '${schemaImport}';
import { appScenarioFormat, type AppScenario } from './app-scenario.ts';
import { CustomerActor } from './customer-actor.ts';
import { exampleVendorConfig, exampleVendorStub } from './example-vendor-stub.ts';

// The schema is built from your drizzle-kit migrations: the snapshot's schema is production's.
const migrations = sqlMigrations(fileURLToPath(new URL('${migrationsPath}', import.meta.url)));

/** Your app's drizzle database over whichever driver the simulator opened (PGlite or a server). */
export function appDb(db: SimDatabase) {
  return db.backend === 'pglite'
    ? drizzlePglite(db.driver as any, { schema })
    : drizzlePg(db.driver as any, { schema });
}

/** How facade-sim drives your app: replace the actor's body with calls to your app's own facade. */
const binding: AppBinding<AppScenario> = {
  app: 'my app',
  // Bump when the actors change what they write for the same scenario and seed.
  generatorVersion: 'actors@1',
  scenario: appScenarioFormat,
  schemaFiles: migrations.schemaFiles,
  migrate: migrations.migrate,
  vendorNames: ['example vendor (' + exampleVendorConfig.baseUrl + ')'],
  vendorCredentials: () => ({ exampleApiKey: exampleVendorConfig.apiKey }),
  vendorHandlers: (ctx) => exampleVendorStub({ ledger: ctx.ledger, rng: ctx.rng.fork('vendor', 'example') }),
  async start(ctx) {
    const db = appDb(ctx.db);
    for (let i = 0; i < ctx.scenario.value.customers.count; i++) {
      const label = \`customer-\${i}\`;
      // Several processes may share the customers (--workers); each runs only its own.
      if (!ctx.owns(label)) continue;
      const actor = new CustomerActor(label, ctx, db);
      ctx.scheduler.at(ctx.startMs + (i + 1) * 60_000, \`\${label}:start\`, async () => actor.scheduleDay(ctx.startMs));
    }
  },
};

export default binding;
`;

const scenarioFormatTemplate = () => `import { defineScenarioFormat, rate, t, type Scenario } from 'facade-sim';

/** Your scenario files' own sections; the engine adds name, seed, start, days, timezone, history. */
const sections = {
  customers: t.object({
    count: t.number({ integer: true, min: 0, max: 100_000 }),
    /** Chance a customer uses the app on a given day. */
    visitRate: rate(),
  }),
};

export const appScenarioFormat = defineScenarioFormat(sections);
export type AppScenario = Scenario<typeof sections>;
`;

const actorTemplate = () => `import { DAY_MS, type SimContext } from 'facade-sim';
import type { AppScenario } from './app-scenario.ts';
import { exampleVendorConfig } from './example-vendor-stub.ts';

/**
 * One customer of your app. Each simulated day it may visit; a visit is where your app's facade is
 * called (sign up, place an order, …) with \`db\` and the simulated clock (\`ctx.clock.now()\`).
 */
export class CustomerActor {
  constructor(
    private readonly label: string,
    private readonly ctx: SimContext<AppScenario>,
    private readonly db: unknown,
  ) {}

  scheduleDay(dayMs: number): void {
    if (dayMs >= this.ctx.endMs) return;
    // A stream per customer and day: what one customer does never shifts another's draws.
    const rng = this.ctx.rng.fork(this.label, 'day', dayMs);
    if (rng.chance(this.ctx.scenario.value.customers.visitRate.value)) {
      const at = dayMs + rng.int(9, 20) * 3_600_000;
      this.ctx.scheduler.at(at, \`\${this.label}:visit\`, () => this.visit());
    }
    this.ctx.scheduler.at(dayMs + DAY_MS, \`\${this.label}:day\`, async () => this.scheduleDay(dayMs + DAY_MS));
  }

  private async visit(): Promise<void> {
    // Replace with your facade, e.g. await createApp({ db: this.db, clock }).placeOrder(…).
    // The vendor call shows the stub at work: it is recorded in the snapshot's side-effects.jsonl.
    await fetch(\`\${exampleVendorConfig.baseUrl}/v1/events\`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: this.label }),
    });
  }
}
`;

const vendorStubTemplate = () => `import { vendorStub, type RandomStream, type SideEffectLedger } from 'facade-sim';

/** Your app's real vendor host with an obviously fake key: live-looking keys are refused. */
export const exampleVendorConfig = { baseUrl: 'https://api.vendor.example', apiKey: 'sim-example-key' };

/** The vendor, as MSW handlers: every request your app makes to it is answered here and recorded. */
export function exampleVendorStub(o: { ledger: SideEffectLedger; rng: RandomStream }) {
  const stub = vendorStub('example', exampleVendorConfig.baseUrl, { ledger: o.ledger });
  return [
    stub.post('/v1/events', ({ json }) => ({
      json: { id: \`evt_\${o.rng.fork(String(json?.customer)).hex(12)}\` },
    })),
  ];
}
`;

const scenarioTemplate = () => `# The scenario \`sim generate\` runs by default. Its name must equal the file name.
name: baseline
seed: 1
start: "2026-01-05T00:00:00Z"
days: 7
timezone: UTC

customers:
  count: 5
  visitRate: { value: 0.5, note: "Half the customers visit on a given day: replace with your own number." }
`;
