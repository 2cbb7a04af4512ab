import type { SimContext } from '../../engine/index.ts';
import type { BillingFacade, BillingJob } from '../../domain/index.ts';
import type { BillingScenario } from './billing-scenario.ts';

/**
 * Runs the app's jobs, each on its own cadence, except that before the detail boundary a job that
 * runs more often than `batchMs` runs once per `batchMs` instead, as a nightly batch would. Jobs
 * run at priority 0: at equal time they see the state before actors act.
 *
 * Most ticks find nothing to do. When several jobs tick at one instant, the first asks the app in
 * one statement which of them have work (facade.idleJobs) and the idle ones skip their query: an
 * idle tick writes nothing, so skipping it changes no byte. The answer holds until a job at that
 * instant does work (it could make another one due), and only jobs are at priority 0, so nothing
 * else acts between them.
 */
export function scheduleJobs(ctx: SimContext<BillingScenario>, facade: BillingFacade, batchMs: number): void {
  const { scheduler, historyStartMs, detailFromMs } = ctx;
  const nextTick = new Map<string, number>();
  let probedAtMs = Number.NaN;
  let idle = new Set<string>();
  const isIdle = async (job: BillingJob, atMs: number) => {
    if (!job.due) return false;
    if (probedAtMs !== atMs) {
      const ticking = facade.jobs.filter((j) => j.due && nextTick.get(j.name) === atMs);
      // A lone job asks its own query: a probe would only add a statement.
      if (ticking.length < 2) return false;
      idle = await facade.idleJobs(ticking);
      probedAtMs = atMs;
    }
    return idle.has(job.name);
  };
  for (const job of facade.jobs) {
    const firstDetailTick = historyStartMs + Math.ceil((detailFromMs - historyStartMs) / job.everyMs) * job.everyMs;
    const next = (atMs: number) => {
      if (atMs >= detailFromMs || job.everyMs >= batchMs) return atMs + job.everyMs;
      return Math.min(atMs + batchMs, Math.max(firstDetailTick, atMs + job.everyMs));
    };
    const at = (atMs: number) => {
      nextTick.set(job.name, atMs);
      scheduler.at(atMs, `job:${job.name}`, () => tick(atMs), 0);
    };
    const tick = async (atMs: number) => {
      if (!(await isIdle(job, atMs))) {
        const { processed } = await job.run();
        if (processed > 0) probedAtMs = Number.NaN;
      }
      at(next(atMs));
    };
    at(historyStartMs + Math.max(job.everyMs, Math.min(batchMs, detailFromMs - historyStartMs)));
  }
}
