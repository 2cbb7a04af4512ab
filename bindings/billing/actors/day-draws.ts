import type { RandomStream } from '../../../engine/index.ts';

/**
 * The draws of one tenant-day. Each behaviour's decision takes exactly one uniform from the day's
 * stream, in a fixed order, so a changed rate changes no other decision; only a behaviour that
 * fires forks a stream of its own for the details. Forking costs a hash and a generator, and most
 * tenant-days fire nothing, so this keeps a day's cost to a few uniform draws.
 */
export class DayDraws {
  constructor(readonly stream: RandomStream) {}

  /** A stream for `what` if an event of chance `p` happens today. */
  chance(what: string, p: number): RandomStream | undefined {
    return this.stream.next() < p ? this.stream.fork(what) : undefined;
  }

  /** How many events with daily mean `mean` happen today (one uniform, inverse CDF), and a stream for them. */
  count(what: string, mean: number): [number, RandomStream | undefined] {
    const u = this.stream.next();
    let p = Math.exp(-mean);
    let cdf = p;
    let n = 0;
    while (u > cdf && n < 10_000) {
      n++;
      p *= mean / n;
      cdf += p;
    }
    return [n, n > 0 ? this.stream.fork(what) : undefined];
  }

  /** A stream for work done every day (telemetry), forked only when asked for. */
  fork(what: string): RandomStream {
    return this.stream.fork(what);
  }
}
