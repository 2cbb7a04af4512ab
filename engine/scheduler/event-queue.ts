/**
 * A total order for simulated events, the fake-timers way: (time, priority, sequence). Sequence
 * numbers are unique, so no two events ever compare equal and the order never depends on the
 * heap's internals or on real time.
 */
export interface SimEvent {
  atMs: number;
  /** Lower runs first at equal time: jobs (0) before actors (10) gives "the nightly run sees yesterday's state". */
  priority: number;
  seq: number;
  label: string;
  run: () => Promise<void> | void;
}

export function compareEvents(a: SimEvent, b: SimEvent): number {
  return a.atMs - b.atMs || a.priority - b.priority || a.seq - b.seq;
}

export class EventQueue {
  #heap: SimEvent[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(event: Omit<SimEvent, 'seq'>): SimEvent {
    const e = { ...event, seq: this.#seq++ };
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareEvents(h[i]!, h[p]!) >= 0) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    return e;
  }

  peek(): SimEvent | undefined {
    return this.#heap[0];
  }

  pop(): SimEvent | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && compareEvents(h[l]!, h[m]!) < 0) m = l;
        if (r < h.length && compareEvents(h[r]!, h[m]!) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
