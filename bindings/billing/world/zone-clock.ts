import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../engine/index.ts';

/** A zone's UTC offset over a span of time: when its offset changes (DST), and to what. */
export class ZoneClock {
  /** [fromMs, offsetMs] in ascending order: the offset in force from that instant on. */
  readonly #changes: [number, number][];

  private constructor(changes: [number, number][]) {
    this.#changes = changes;
  }

  /**
   * Reads the zone's offsets once for [fromMs, toMs] through Intl (one probe a day, then a binary
   * search for each change to the minute), so that converting an instant later is a lookup.
   */
  static between(zone: string, fromMs: number, toMs: number): ZoneClock {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      ...{ year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' },
    });
    const offsetAt = (ms: number) => {
      const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
      for (const part of format.formatToParts(ms)) p[part.type] = Number(part.value);
      const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
      return local - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
    };
    const start = fromMs - 2 * DAY_MS;
    const changes: [number, number][] = [[-Infinity, offsetAt(start)]];
    // Each day's probe is the next day's start: one probe a day.
    let after = offsetAt(start);
    for (let day = start; day < toMs + 2 * DAY_MS; day += DAY_MS) {
      const before = after;
      after = offsetAt(day + DAY_MS);
      if (before === after) continue;
      let lo = day;
      let hi = day + DAY_MS;
      while (hi - lo > MINUTE_MS) {
        const mid = Math.floor((lo + hi) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetAt(mid) === before) lo = mid;
        else hi = mid;
      }
      changes.push([hi, after]);
    }
    return new ZoneClock(changes);
  }

  offsetAt(ms: number): number {
    const c = this.#changes;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c[mid]![0] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return c[lo]![1];
  }

  /** Local wall-clock milliseconds (as if UTC) of an instant. */
  localMs(ms: number): number {
    return ms + this.offsetAt(ms);
  }

  /** The instant a local wall-clock time (as if UTC) happens; a time skipped by DST moves forward. */
  instantOf(localMs: number): number {
    const guess = localMs - this.offsetAt(localMs - 14 * HOUR_MS);
    return localMs - this.offsetAt(guess);
  }

  /** The local calendar day (days since the epoch) an instant falls on. */
  localDay(ms: number): number {
    return Math.floor(this.localMs(ms) / DAY_MS);
  }
}

/** 0 = Sunday … 6 = Saturday, of a local day number. */
export const weekdayOf = (localDay: number) => (((localDay + 4) % 7) + 7) % 7;
