import { DAY_MS } from '../clock/time.ts';

/** Progress on a TTY (one rewritten line); plain lines, one per simulated day, in CI and pipes. */
export function createProgress(out: NodeJS.WriteStream, totalDays: number, startMs: number, quiet = false) {
  const tty = Boolean(out.isTTY) && !process.env.CI;
  const began = performance.now();
  let lastDay = -1;
  let lastDraw = 0;
  return {
    update(nowMs: number, events: number, rows?: number) {
      if (quiet) return;
      const day = Math.floor((nowMs - startMs) / DAY_MS);
      const elapsedS = (performance.now() - began) / 1000;
      const rate = events / Math.max(elapsedS, 0.001);
      const etaS = day > 0 ? (elapsedS / day) * (totalDays - day) : NaN;
      const line = `day ${Math.min(day + 1, totalDays)}/${totalDays}  events ${events}${rows !== undefined ? `  rows ${rows}` : ''}  ${rate.toFixed(0)} events/s  ETA ${Number.isFinite(etaS) ? etaS.toFixed(0) + 's' : '?'}`;
      if (tty) {
        if (performance.now() - lastDraw < 100) return;
        lastDraw = performance.now();
        out.write(`\r${line}\x1b[K`);
      } else if (day !== lastDay) {
        lastDay = day;
        out.write(line + '\n');
      }
    },
    done() {
      if (tty && !quiet) out.write('\n');
    },
  };
}
