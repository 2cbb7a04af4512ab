import { DAY_MS } from '../clock/time.ts';

/**
 * Progress on a TTY (one rewritten line); plain lines, one per simulated month of history and per
 * day of the window, in CI and pipes. With several shards the slowest one sets the position.
 */
export function createProgress(
  out: NodeJS.WriteStream,
  span: { historyStartMs: number; startMs: number },
  endMs: number,
  quiet = false,
) {
  const tty = Boolean(out.isTTY) && !process.env.CI;
  const began = performance.now();
  const positions = new Map<number, number>();
  const events = new Map<number, number>();
  let lastLine = '';
  let lastDraw = 0;
  return {
    update(shard: number, nowMs: number, executed: number) {
      if (quiet) return;
      positions.set(shard, nowMs);
      events.set(shard, executed);
      const nowAll = Math.min(...positions.values());
      const total = [...events.values()].reduce((a, b) => a + b, 0);
      const done = (nowAll - span.historyStartMs) / Math.max(1, endMs - span.historyStartMs);
      const elapsedS = (performance.now() - began) / 1000;
      const etaS = done > 0.01 ? (elapsedS / done) * (1 - done) : NaN;
      const inWindow = nowAll >= span.startMs;
      const where = inWindow
        ? `day ${Math.floor((nowAll - span.startMs) / DAY_MS) + 1}/${Math.round((endMs - span.startMs) / DAY_MS)}`
        : `history ${new Date(nowAll).toISOString().slice(0, 7)}`;
      const line = `${where}  events ${total}  ${(total / Math.max(elapsedS, 0.001)).toFixed(0)} events/s  ETA ${
        Number.isFinite(etaS) ? `${etaS.toFixed(0)}s` : '?'
      }`;
      if (tty) {
        if (performance.now() - lastDraw < 100) return;
        lastDraw = performance.now();
        out.write(`\r${line}\x1b[K`);
      } else if (where !== lastLine) {
        lastLine = where;
        out.write(line + '\n');
      }
    },
    done() {
      if (tty && !quiet) out.write('\n');
    },
  };
}
