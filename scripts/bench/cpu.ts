/**
 * How busy the machine was with other work during the run: the system's busy CPU time (/proc/stat) less this
 * process's own and its reaped children's (/proc/self/stat). On a shared 2-core machine another test run halves
 * every figure, and this says so.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuSnapshot {
  at: number;
  /** Busy ticks of all CPUs. */
  busy: number;
  /** Ticks of this process and its waited-for children. */
  own: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
    const busy = fields.slice(0, 8).reduce((total, value, i) => (i === 3 || i === 4 ? total : total + value), 0);
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; utime is the 14th field.
    const after = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = (after[11] ?? 0) + (after[12] ?? 0) + (after[13] ?? 0) + (after[14] ?? 0);
    return { at: performance.now(), busy, own };
  } catch {
    return undefined;
  }
}

function ticksPerSecond(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
  const value = Number(result.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
}

/** Cores' worth of CPU that other processes used between two snapshots, on average. */
export function foreignCores(start: CpuSnapshot, end: CpuSnapshot): number {
  const seconds = (end.at - start.at) / 1000;
  if (seconds <= 0) return Number.NaN;
  const foreign = end.busy - start.busy - (end.own - start.own);
  return Math.max(0, foreign) / ticksPerSecond() / seconds;
}
