import type { JobQueue } from '@gatehouse/core';
import { useOpened } from '@gatehouse/core/testing';
import { sqlExecutorOf } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { startPgBossQueue } from '../pg-boss-queue.js';
import { JOB_QUEUES } from '../workers.js';

/** What a jobs test file shares: a fresh migrated database and the durable queue on it. */
export interface QueueDatabase {
  readonly database: TestDatabase;
  readonly queue: JobQueue;
}

/**
 * Opens the database and the queue with every queue the workers use (polled often, for tests
 * that wait on a job) before the file's tests, and stops and closes them after; read `database`
 * and `queue` inside tests and hooks, not at the top of the file.
 */
export function useQueueDatabase(): QueueDatabase {
  return useOpened(['database', 'queue'], async (defer) => {
    const database = defer(await createTestDatabase(), (opened) => opened.close());
    const queue = defer(
      await startPgBossQueue({
        executor: sqlExecutorOf(database.database),
        queues: JOB_QUEUES,
        pollingIntervalSeconds: 0.5,
      }),
      (opened) => opened.stop(),
    );
    return { database, queue };
  });
}
