import type { DurableStores, JobQueue } from '@gatehouse/core';
import {
  RELEASE_EXPIRED_HOLDS,
  RELEASE_EXPIRED_HOLDS_CRON,
  releaseExpiredHolds,
} from './release-expired-holds.js';

/** Every queue Gatehouse uses: created at start, so any transaction can enqueue into them. */
export const JOB_QUEUES: readonly string[] = [RELEASE_EXPIRED_HOLDS];

export interface WorkerDependencies {
  db: DurableStores;
  now?: () => Date;
}

/**
 * Makes this process a worker of every Gatehouse job and declares the recurring ones. Called
 * by the resource service (so by the one-process stack too): however many instances run,
 * each scheduled tick becomes one job and each job runs in one of them.
 */
export async function startWorkers(queue: JobQueue, deps: WorkerDependencies): Promise<void> {
  const now = deps.now ?? (() => new Date());
  await queue.work(RELEASE_EXPIRED_HOLDS, async () => {
    await releaseExpiredHolds(deps.db.charges, now());
  });
  await queue.schedule(RELEASE_EXPIRED_HOLDS, RELEASE_EXPIRED_HOLDS_CRON);
}
