import { describe, expect, it } from 'vitest';
import { ZoneClock, weekdayOf } from './zone-clock.ts';

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2026, 11, 31);

/** What Intl says the local wall clock reads at an instant, as epoch milliseconds. */
function intlLocal(zone: string, ms: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      ...{ year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' },
    })
      .formatToParts(ms)
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
}

describe('ZoneClock: local time in a tenant’s zone without asking Intl each time', () => {
  it.each(['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'UTC'])(
    'agrees with Intl every 7 hours over three years, across every DST switch (%s)',
    (zone) => {
      const clock = ZoneClock.between(zone, FROM, TO);
      for (let ms = FROM; ms < TO; ms += 7 * 3_600_000 + 60_000) {
        expect(Math.floor(clock.localMs(ms) / 60_000)).toBe(intlLocal(zone, ms) / 60_000);
      }
    },
  );

  it('finds the instant of a local time, moving a time DST skips forward', () => {
    const ny = ZoneClock.between('America/New_York', FROM, TO);
    // 2025-03-09 02:30 does not exist in New York; 09:00 is 14:00 UTC before the switch, 13:00 after.
    expect(new Date(ny.instantOf(Date.UTC(2025, 2, 8, 9))).toISOString()).toBe('2025-03-08T14:00:00.000Z');
    expect(new Date(ny.instantOf(Date.UTC(2025, 2, 10, 9))).toISOString()).toBe('2025-03-10T13:00:00.000Z');
    expect(ny.localDay(ny.instantOf(Date.UTC(2025, 2, 9, 2, 30)))).toBe(Date.UTC(2025, 2, 9) / 86_400_000);
    expect(weekdayOf(Date.UTC(2025, 2, 9) / 86_400_000)).toBe(0); // a Sunday
  });
});
