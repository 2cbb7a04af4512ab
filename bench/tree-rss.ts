// Peak resident memory of a process and all its descendants (the simulation children hold the
// embedded databases), sampled from /proc: getrusage reports one process, not a tree's sum.
import { readdirSync, readFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 50;

function rssKbByPid(): Map<number, { ppid: number; rssKb: number }> {
  const out = new Map<number, { ppid: number; rssKb: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      out.set(Number(entry), { ppid, rssKb });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return out;
}

/** Starts sampling; `stop()` returns the peak sum over the tree and the peak of its largest process. */
export function sampleTreeRss(root: number): { stop: () => { sumMb: number; largestMb: number } } {
  let sumKb = 0;
  let largestKb = 0;
  const sample = () => {
    const all = rssKbByPid();
    const tree = new Set([root]);
    // Parents are listed before their children only by chance: repeat until no new descendant.
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, p] of all) {
        if (!tree.has(pid) && tree.has(p.ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    let total = 0;
    for (const pid of tree) {
      const kb = all.get(pid)?.rssKb ?? 0;
      total += kb;
      largestKb = Math.max(largestKb, kb);
    }
    sumKb = Math.max(sumKb, total);
  };
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { sumMb: sumKb / 1024, largestMb: largestKb / 1024 };
    },
  };
}
