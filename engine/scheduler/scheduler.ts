import { EventQueue, type SimEvent } from './event-queue.ts';

export interface SchedulerLimits {
  /** Hard cap on events executed in one run: a runaway actor fails loudly instead of filling the disk. */
  maxEvents: number;
  /** Hard cap on events at one simulated instant: an actor rescheduling itself at "now" is a loop. */
  maxEventsPerInstant: number;
}

export class SimulationLimitError extends Error {
  readonly exitCode = 1;
}

export interface SchedulerHooks {
  advanceTo(ms: number): void;
  /** Awaited before the clock moves on, when nothing is in flight (engine housekeeping). */
  beforeAdvance?(fromMs: number, toMs: number): Promise<void>;
  onEvent?(event: SimEvent, executed: number): void;
  /** Instants (before the end of the window) at which the state is read, as if the run ended there. */
  checkpoints?: number[];
  /** Reads the state at a checkpoint; awaited before the run goes on. */
  onCheckpoint?(atMs: number): Promise<void>;
}

/**
 * Discrete-event loop. Each event runs to completion (awaited) before the next starts and before
 * the clock moves, so real latency in the database or the vendor stubs can never reorder anything.
 */
export class Scheduler {
  readonly #queue = new EventQueue();
  #executed = 0;
  #current: SimEvent | undefined;
  readonly #quiesce: { label: string; run: SimEvent['run'] }[] = [];

  constructor(
    readonly endMs: number,
    readonly limits: SchedulerLimits,
  ) {}

  get executed(): number {
    return this.#executed;
  }

  get pending(): number {
    return this.#queue.size;
  }

  /**
   * Schedules `run` at `atMs`; events past the end of the window are dropped (they would happen after the snapshot).
   */
  at(atMs: number, label: string, run: SimEvent['run'], priority = 10): void {
    if (!Number.isFinite(atMs)) throw new Error(`Scheduler: event '${label}' has a non-finite time`);
    const nowMs = this.#current?.atMs ?? -Infinity;
    if (atMs < nowMs) {
      throw new Error(
        `Scheduler: event '${label}' scheduled in the past (${new Date(atMs).toISOString()} < ` +
          `${new Date(nowMs).toISOString()})`,
      );
    }
    if (atMs >= this.endMs) return;
    this.#queue.push({ atMs, priority, label, run });
  }

  /**
   * Runs `run` once the window is over, after every event in it, with the clock at its end: the
   * app's graceful shutdown (a buffer flushed, say), in registration order. It also runs at every
   * checkpoint, before the state is read, so it must leave the app able to go on (a flush does):
   * that is what makes a checkpoint's state the state of a run that ended there.
   */
  atEnd(label: string, run: SimEvent['run']): void {
    this.#quiesce.push({ label, run });
  }

  /** A recurring job: runs every `everyMs` from `firstMs` until the end of the window. */
  every(firstMs: number, everyMs: number, label: string, run: () => Promise<unknown>, priority = 0): void {
    if (!(everyMs > 0)) throw new Error(`Scheduler: job '${label}' needs everyMs > 0`);
    const tick = async (atMs: number) => {
      await run();
      this.at(atMs + everyMs, label, () => tick(atMs + everyMs), priority);
    };
    this.at(firstMs, label, () => tick(firstMs), priority);
  }

  /**
   * Runs every event in the total order. At each checkpoint instant (before any event at or after
   * it) and at the end of the window, the clock is set to that instant and the `atEnd` work runs;
   * then `onCheckpoint` reads the state.
   */
  async run(hooks: SchedulerHooks): Promise<void> {
    const pauses = [...(hooks.checkpoints ?? [])].filter((ms) => ms < this.endMs).sort((a, b) => a - b);
    let instantMs = -Infinity;
    let atInstant = 0;
    const moveTo = async (ms: number) => {
      if (ms === instantMs) return;
      if (hooks.beforeAdvance && instantMs !== -Infinity) await hooks.beforeAdvance(instantMs, ms);
      instantMs = ms;
      atInstant = 0;
      hooks.advanceTo(ms);
    };
    const execute = async (event: SimEvent) => {
      if (++atInstant > this.limits.maxEventsPerInstant) {
        throw new SimulationLimitError(
          `Aborting: more than ${this.limits.maxEventsPerInstant} events at ${new Date(instantMs).toISOString()} ` +
            `(last: '${event.label}'), assuming an actor reschedules itself forever; ` +
            'raise --max-events-per-instant if this is intended',
        );
      }
      if (++this.#executed > this.limits.maxEvents) {
        throw new SimulationLimitError(
          `Aborting after ${this.limits.maxEvents} events (at '${event.label}', ` +
            `${new Date(event.atMs).toISOString()}); ` +
            'raise --max-events if the scenario really needs more',
        );
      }
      this.#current = event;
      try {
        await event.run();
      } catch (error) {
        const e = error as Error;
        e.message = `event '${event.label}' at ${new Date(event.atMs).toISOString()} failed: ${e.message}`;
        throw e;
      }
      hooks.onEvent?.(event, this.#executed);
    };
    const quiesce = async (atMs: number) => {
      await moveTo(atMs);
      for (const [seq, hook] of this.#quiesce.entries()) await execute({ atMs, priority: 0, seq, ...hook });
    };
    for (;;) {
      const event = this.#queue.peek();
      while (pauses.length > 0 && pauses[0]! <= (event?.atMs ?? Infinity)) {
        const atMs = pauses.shift()!;
        await quiesce(atMs);
        await hooks.onCheckpoint?.(atMs);
      }
      if (!event) break;
      this.#queue.pop();
      await moveTo(event.atMs);
      await execute(event);
    }
    await quiesce(this.endMs);
    this.#current = undefined;
  }
}
