import FakeTimers from '@sinonjs/fake-timers';

/**
 * Simulated time. Only `Date` is faked: faking nextTick, queueMicrotask or the timers hangs pg
 * and makes MSW-intercepted fetch busy-loop (measured; see shared/reference/reliability.md 3.4).
 * The simulator owns time instead: it moves the clock itself, and only when the app is quiescent.
 * With the embedded engine PGlite's now() reads the same faked Date, so app and database share
 * one timeline.
 */
export class SimClock {
  readonly #clock: ReturnType<typeof FakeTimers.install>;
  constructor(startMs: number) {
    this.#clock = FakeTimers.install({ toFake: ['Date'], now: startMs, shouldAdvanceTime: false });
  }

  nowMs(): number {
    return this.#clock.now;
  }

  now(): Date {
    return new Date(this.#clock.now);
  }

  /** Moves time forward to `ms`; time never runs backwards. */
  advanceTo(ms: number): void {
    if (ms < this.#clock.now) {
      throw new Error(
        `SimClock: cannot move back from ${new Date(this.#clock.now).toISOString()} to ${new Date(ms).toISOString()}`,
      );
    }
    this.#clock.setSystemTime(ms);
  }

  uninstall(): void {
    this.#clock.uninstall();
  }
}
