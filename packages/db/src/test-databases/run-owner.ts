import { randomBytes } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';

/**
 * The process whose lifetime a test run's scratch databases share: under Vitest the
 * runner (the parent of a forked worker, or this process for a worker thread), so all
 * workers of a run share one template and one watchdog; otherwise this process.
 */
export function runOwnerPid(): number {
  if (process.env.VITEST && isMainThread && process.ppid > 1) return process.ppid;
  return process.pid;
}

/** A scratch name that says which run made it, so its watchdog can find it: `<kind>_<pid>_<hex>`. */
export function scratchName(kind: string): string {
  return `${kind}_${runOwnerPid()}_${randomBytes(6).toString('hex')}`;
}
