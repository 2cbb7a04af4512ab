// Runs one generate in its own process so peak RSS is the run's own; prints one JSON line.
import { generate } from '../engine/run/generate.ts';
import { billingBinding } from '../bindings/billing/billing-binding.ts';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers } from '../engine/util/exit-cleanup.ts';

// Interrupted (Ctrl-C in `npm run bench`), it drops the database it created, as `sim generate` does.
installSignalHandlers();

const [scenarioFile, engine, out, days, databaseUrl] = process.argv.slice(2);
const r = await generate(billingBinding, {
  bindingModule: fileURLToPath(new URL('../bindings/billing/index.ts', import.meta.url)),
  projectRoot: fileURLToPath(new URL('..', import.meta.url)),
  scenarioFile: scenarioFile!,
  backend: engine as 'pglite' | 'postgres',
  outDir: out!,
  days: days ? Number(days) : undefined,
  databaseUrl,
  quiet: true,
  log: () => {},
});
process.stdout.write(
  JSON.stringify({
    wallMs: r.wallMs,
    phasesMs: r.phasesMs,
    events: r.events,
    rows: r.manifest.totalRows,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    dump: `${r.dir}/dump.sql`,
  }) + '\n',
);
