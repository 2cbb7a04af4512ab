// The bench's scenarios, derived in code from the committed baseline so they cannot drift from it:
// a reduced scale for a shared machine, more tenants, or the same scenario without its history.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parse, stringify } from 'yaml';

export const BASELINE_FILE = 'scenarios/baseline-45d.yaml';

export interface ScenarioVariant {
  /** Tenants as a multiple of the baseline's: initial tenants and every arrival rate are scaled. */
  tenantScale: number;
  /** Drop `history:`; the window then starts with this many tenants instead of the baseline's. */
  withoutHistory?: { initialTenants: number };
}

/** Writes the variant of the baseline to `file` and returns its path. */
export function writeScenarioVariant(file: string, variant: ScenarioVariant): string {
  const scenario = parse(readFileSync(BASELINE_FILE, 'utf8'));
  // The loader insists: the name is the file's, since it names the snapshot directory.
  scenario.name = basename(file, '.yaml');
  const population = scenario.population;
  population.initialTenants.value = Math.round(population.initialTenants.value * variant.tenantScale);
  for (const rate of population.arrivals.perDay) rate.mean = rate.mean * variant.tenantScale;
  if (variant.withoutHistory) {
    delete scenario.history;
    // Without history nobody signed up before the window: it starts with the tenants the history
    // would have left alive there, so both runs simulate the same window's population.
    population.initialTenants.value = variant.withoutHistory.initialTenants;
    const start = Date.parse(scenario.start);
    population.arrivals.perDay = population.arrivals.perDay
      .filter((r: { from: string }, i: number, all: { from: string }[]) => {
        const next = all[i + 1];
        return !next || Date.parse(next.from) > start;
      })
      .map((r: { from: string; mean: number }) => ({
        ...r,
        from: Date.parse(r.from) < start ? scenario.start.slice(0, 10) : r.from,
      }));
    // Catalogue changes dated before the window are its starting state, not events in it.
    scenario.catalogue = scenario.catalogue.filter((c: { at: string }) => Date.parse(c.at) >= start);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stringify(scenario, { lineWidth: 0 }));
  return file;
}
