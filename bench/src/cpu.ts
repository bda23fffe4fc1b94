import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A process whose CPU counts as the server's: the server itself, its Postgres backends, Redis. */
export interface CpuProcess {
  /** Groups the breakdown: `stack`, `postgres`, `redis`, `peer`. */
  part: string;
  pid: number;
}

/** The processes to measure, asked again at the end of a window (backends may come and go). */
export type CpuProcesses = () => Promise<CpuProcess[]>;

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat; null
 * when it is gone. Fields 14 and 15 count after the command name, which may hold spaces.
 */
export function cpuMicros(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1_000_000) / clockTicks() : null;
}

export interface CpuUse {
  /** Server CPU over the window, µs, by part. */
  byPart: Record<string, number>;
  totalUs: number;
}

/**
 * Starts measuring: `stop()` returns the CPU each part used since. A process that appeared
 * during the window counts with all it used (it started inside the window); one that ended
 * during it counts up to its last reading — so with `sampleEveryMs` the list is read again
 * every so often, for processes that come and go within the window (pgbench's backends).
 */
export async function startCpuMeter(
  processes: CpuProcesses,
  sampleEveryMs?: number,
): Promise<{ stop(): Promise<CpuUse> }> {
  const before = new Map<number, number>();
  for (const { pid } of await processes()) {
    const us = cpuMicros(pid);
    if (us !== null) before.set(pid, us);
  }
  /** The last reading of every process seen, with its part. */
  const last = new Map<number, { part: string; us: number }>();
  const read = async () => {
    for (const { part, pid } of await processes()) {
      const us = cpuMicros(pid);
      if (us !== null) last.set(pid, { part, us });
    }
  };
  let sampling: Promise<void> = Promise.resolve();
  const timer =
    sampleEveryMs === undefined
      ? null
      : setInterval(() => {
          sampling = sampling.then(read).catch(() => {});
        }, sampleEveryMs);
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await sampling;
      await read();
      const byPart: Record<string, number> = {};
      for (const [pid, { part, us }] of last) {
        byPart[part] = (byPart[part] ?? 0) + us - (before.get(pid) ?? 0);
      }
      return { byPart, totalUs: Object.values(byPart).reduce((a, b) => a + b, 0) };
    },
  };
}
