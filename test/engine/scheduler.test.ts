import { describe, expect, it } from 'vitest';
import { Scheduler, SimulationLimitError } from '../../engine/scheduler/scheduler.ts';

const scheduler = (endMs = 1000, maxEventsPerInstant = 100) =>
  new Scheduler(endMs, { maxEvents: 100, maxEventsPerInstant });

describe('Scheduler', () => {
  it('runs events in a total order: time, then priority, then scheduling order', async () => {
    const s = scheduler();
    const order: string[] = [];
    s.at(20, 'actor-b', () => void order.push('actor-b'));
    s.at(10, 'actor-a', () => void order.push('actor-a'));
    s.at(20, 'job', () => void order.push('job'), 0);
    s.at(20, 'actor-c', () => void order.push('actor-c'));
    const times: number[] = [];
    await s.run({ advanceTo: (ms) => times.push(ms) });
    expect(order).toEqual(['actor-a', 'job', 'actor-b', 'actor-c']);
    expect(times).toEqual([10, 20, 1000]); // the run ends with the clock at the end of the window
  });

  it('awaits each event before the next one starts, whatever its real latency', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.at(1, 'slow', async () => {
      await new Promise((r) => setTimeout(r, 30));
      log.push('slow');
    });
    s.at(1, 'fast', () => void log.push('fast'));
    await s.run({ advanceTo: () => {} });
    expect(log).toEqual(['slow', 'fast']);
  });

  it('awaits beforeAdvance when the clock is about to move, never between events at one instant', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.at(10, 'a', () => void log.push('a@10'));
    s.at(10, 'b', () => void log.push('b@10'));
    s.at(20, 'c', () => void log.push('c@20'));
    await s.run({
      advanceTo: (ms) => void log.push(`advance ${ms}`),
      beforeAdvance: async (fromMs, toMs) => {
        await new Promise((r) => setTimeout(r, 5));
        log.push(`housekeeping ${fromMs}->${toMs}`);
      },
    });
    expect(log).toEqual([
      ...['advance 10', 'a@10', 'b@10', 'housekeeping 10->20', 'advance 20', 'c@20'],
      ...['housekeeping 20->1000', 'advance 1000'],
    ]);
  });

  it('drops events past the end of the window and repeats jobs until then', async () => {
    const s = scheduler(100);
    let runs = 0;
    s.every(0, 30, 'job', async () => void runs++);
    s.at(150, 'late', () => {
      throw new Error('must not run');
    });
    await s.run({ advanceTo: () => {} });
    expect(runs).toBe(4); // 0, 30, 60, 90
  });

  it('runs end-of-window work after everything else, with the clock at the end', async () => {
    const s = scheduler(100);
    const log: string[] = [];
    s.atEnd('shutdown', () => void log.push('shutdown'));
    s.at(90, 'actor', () => void log.push('actor@90'));
    s.every(50, 50, 'job', async () => void log.push('job'));
    await s.run({ advanceTo: (ms) => void log.push(`advance ${ms}`) });
    expect(log).toEqual(['advance 50', 'job', 'advance 90', 'actor@90', 'advance 100', 'shutdown']);
    expect(s.executed).toBe(3);
  });

  it('stops at each checkpoint before the events at its instant, runs the end-of-window work, goes on', async () => {
    const s = scheduler(100);
    const log: string[] = [];
    s.atEnd('flush', () => void log.push('flush'));
    s.every(0, 40, 'job', async () => void log.push('job'));
    await s.run({
      advanceTo: (ms) => void log.push(`@${ms}`),
      checkpoints: [40, 0, 100, 250],
      onCheckpoint: async (ms) => void log.push(`checkpoint ${ms}`),
    });
    // A checkpoint at the end or past it is the end itself; one at 0 comes before everything.
    expect(log).toEqual([
      ...['@0', 'flush', 'checkpoint 0', 'job', '@40', 'flush', 'checkpoint 40', 'job'],
      ...['@80', 'job', '@100', 'flush'],
    ]);
  });

  it('stops a runaway actor with a clear error', async () => {
    const s = new Scheduler(1000, { maxEvents: 1_000_000, maxEventsPerInstant: 50 });
    const again = (): void => s.at(5, 'loop', again);
    s.at(5, 'loop', again);
    await expect(s.run({ advanceTo: () => {} })).rejects.toThrow(SimulationLimitError);
    await expect(
      new Scheduler(1000, { maxEvents: 1_000_000, maxEventsPerInstant: 50 }).run({ advanceTo: () => {} }),
    ).resolves.toBeUndefined();
  });

  it('caps the total number of events', async () => {
    const s = new Scheduler(10_000, { maxEvents: 10, maxEventsPerInstant: 100 });
    for (let t = 0; t < 20; t++) s.at(t, `e${t}`, () => {});
    await expect(s.run({ advanceTo: () => {} })).rejects.toThrow(/Aborting after 10 events/);
  });
});
