// Runs one generate in its own process so peak RSS is the run's own; prints one JSON line.
// Arguments: a JSON object { scenarioFile, backend, out, days?, seed?, databaseUrl?, workers? }, or the
// positional form older commits take (scenario backend out days url), which `bench compare` passes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate } from '../engine/run/generate.ts';
import { billingBinding } from '../bindings/billing/billing-binding.ts';
import { installSignalHandlers } from '../engine/util/exit-cleanup.ts';
import { sampleTreeRss } from './tree-rss.ts';

// Interrupted (Ctrl-C in `npm run bench`), it drops the database it created, as `sim generate` does.
installSignalHandlers();

type ChildOptions = {
  scenarioFile: string;
  backend: 'pglite' | 'postgres';
  out: string;
  days?: number;
  seed?: string;
  databaseUrl?: string;
  workers?: number;
};
const args = process.argv.slice(2);
const o: ChildOptions = args[0]!.startsWith('{')
  ? JSON.parse(args[0]!)
  : {
      scenarioFile: args[0]!,
      backend: args[1] as ChildOptions['backend'],
      out: args[2]!,
      days: args[3] ? Number(args[3]) : undefined,
      databaseUrl: args[4] || undefined,
    };
const rss = sampleTreeRss(process.pid);
const r = await generate(billingBinding, {
  bindingModule: fileURLToPath(new URL('../bindings/billing/index.ts', import.meta.url)),
  projectRoot: fileURLToPath(new URL('..', import.meta.url)),
  scenarioFile: o.scenarioFile,
  backend: o.backend,
  outDir: o.out,
  days: o.days,
  seed: o.seed,
  databaseUrl: o.databaseUrl,
  workers: o.workers,
  quiet: true,
  log: () => {},
});
const peak = rss.stop();
const dump = `${r.dir}/dump.sql`;
process.stdout.write(
  JSON.stringify({
    wallMs: r.wallMs,
    phasesMs: r.phasesMs,
    events: r.events,
    rows: r.manifest.totalRows,
    rowCounts: r.manifest.rowCounts,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    treePeakRssMb: peak.sumMb,
    largestProcessRssMb: peak.largestMb,
    dir: r.dir,
    dump,
    sha256: createHash('sha256').update(readFileSync(dump)).digest('hex'),
  }) + '\n',
);
