import type { JobQueue } from '@gatehouse/core';
import { sqlExecutorOf } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll } from 'vitest';
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
  let database: TestDatabase | undefined;
  let queue: JobQueue | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    queue = await startPgBossQueue({
      executor: sqlExecutorOf(database.database),
      queues: JOB_QUEUES,
      pollingIntervalSeconds: 0.5,
    });
  });
  afterAll(async () => {
    await queue?.stop();
    await database?.close();
  });
  return {
    get database() {
      return opened(database);
    },
    get queue() {
      return opened(queue);
    },
  };
}

function opened<T>(value: T | undefined): T {
  if (value === undefined)
    throw new Error('the test database is not open yet: read it inside a test or a hook');
  return value;
}
