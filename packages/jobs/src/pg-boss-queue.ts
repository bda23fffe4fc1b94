import type { JobHandler, JobOptions, JobQueue, SqlExecutor } from '@gatehouse/core';
import PgBoss from 'pg-boss';

export interface PgBossQueueOptions {
  /** Runs pg-boss's statements: the pool the stores use (see `sqlExecutorOf`). */
  executor: SqlExecutor;
  /** Queue names to create on start, so a job can be enqueued inside any transaction. */
  queues: readonly string[];
  /** Seconds between polls of an idle worker (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  /** Whether this process creates the jobs of recurring schedules (default true). */
  schedules?: boolean;
  /** Errors of pg-boss's own loops (maintenance, polling): logged, never thrown. */
  onError?: (error: Error) => void;
  /** Milliseconds `stop` waits for running handlers. */
  stopTimeoutMs?: number;
}

/** pg-boss's tables live in their own schema, created and migrated by pg-boss at start. */
export const JOB_SCHEMA = 'gatehouse_jobs';

/**
 * The JobQueue port on pg-boss 10 (the last line that runs on Node 20). pg-boss takes each
 * job with `FOR UPDATE SKIP LOCKED`, so any number of processes can work one queue and each
 * job runs once at a time; its cron schedules are rows of one table, and the process that
 * holds the advisory lock of a tick creates that tick's job, so a schedule fires once however
 * many processes run it. pg-boss normally drives `pg`; here it runs through `executor` on
 * the pool Gatehouse already has (postgres.js, or PGlite's single in-process connection).
 */
export async function startPgBossQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    db: options.executor as PgBoss.Db,
    schema: JOB_SCHEMA,
    supervise: true,
    schedule: options.schedules ?? true,
    migrate: true,
  });
  boss.on('error', (error) => options.onError?.(error));
  await boss.start();
  const created = new Set<string>();
  const ensureQueue = async (name: string) => {
    if (created.has(name)) return;
    // `create_queue` does nothing when the queue exists.
    await boss.createQueue(name);
    created.add(name);
  };
  for (const name of options.queues) await ensureQueue(name);

  let stopping: Promise<void> | undefined;
  return {
    async enqueue(name, data, jobOptions = {}) {
      if (!jobOptions.within) await ensureQueue(name);
      return boss.send(name, data, toSendOptions(jobOptions));
    },
    async schedule(name, cron, data = {}, jobOptions = {}) {
      await ensureQueue(name);
      await boss.schedule(name, cron, data, { ...toSendOptions(jobOptions), tz: 'UTC' });
    },
    async work<T>(name: string, handler: JobHandler<T>) {
      await ensureQueue(name);
      await boss.work<T>(
        name,
        {
          includeMetadata: true,
          batchSize: 1,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
        },
        async ([job]) => {
          if (!job) return;
          await handler(job.data, { id: job.id, attempt: job.retryCount + 1 });
        },
      );
    },
    stop() {
      stopping ??= boss.stop({
        graceful: true,
        wait: true,
        close: false,
        timeout: options.stopTimeoutMs ?? 10_000,
      });
      return stopping;
    },
  };
}

function toSendOptions(options: JobOptions): PgBoss.SendOptions {
  return {
    ...(options.retryLimit === undefined ? {} : { retryLimit: options.retryLimit }),
    ...(options.retryDelaySeconds === undefined ? {} : { retryDelay: options.retryDelaySeconds }),
    ...(options.retryBackoff === undefined ? {} : { retryBackoff: options.retryBackoff }),
    ...(options.startAfterSeconds === undefined ? {} : { startAfter: options.startAfterSeconds }),
    ...(options.singletonKey === undefined ? {} : { singletonKey: options.singletonKey }),
    ...(options.within === undefined ? {} : { db: options.within as PgBoss.Db }),
  };
}
