import type { JobQueue } from '@gatehouse/core';
import { sqlExecutorOf, transactionExecutor, withStartupLock } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_SCHEMA, startPgBossQueue } from './pg-boss-queue.js';

let database: TestDatabase;
const started: JobQueue[] = [];

async function queue(queues: string[] = []): Promise<JobQueue> {
  const q = await startPgBossQueue({
    executor: sqlExecutorOf(database.database),
    queues,
    pollingIntervalSeconds: 0.5,
  });
  started.push(q);
  return q;
}

/** Resolves with the first `count` jobs a handler receives. */
function collect<T>(count: number) {
  const seen: { data: T; attempt: number }[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    seen,
    all,
    record(data: T, attempt: number) {
      seen.push({ data, attempt });
      if (seen.length === count) done();
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const q of started) await q.stop();
  await database?.close();
});

describe('the pg-boss job queue', () => {
  it('runs an enqueued job with its data', async () => {
    const q = await queue();
    const got = collect<{ n: number }>(1);
    await q.work<{ n: number }>('test.plain', async (data, { attempt }) => got.record(data, attempt));
    await q.enqueue('test.plain', { n: 7 });
    await got.all;
    expect(got.seen).toEqual([{ data: { n: 7 }, attempt: 1 }]);
  });

  it('writes a job inside the caller’s transaction: rolled back, it never exists', async () => {
    const q = await queue(['test.tx']);
    await database.database.db
      .transaction(async (tx) => {
        await q.enqueue('test.tx', { n: 'rolled back' }, { within: transactionExecutor(tx) });
        tx.rollback();
      })
      .catch(() => {});
    await database.database.db.transaction(async (tx) => {
      await q.enqueue('test.tx', { n: 'committed' }, { within: transactionExecutor(tx) });
    });
    const { rows } = await sqlExecutorOf(database.database).executeSql(
      `select data from ${JOB_SCHEMA}.job where name = $1`,
      ['test.tx'],
    );
    expect(rows.map((r) => (r as { data: unknown }).data)).toEqual([{ n: 'committed' }]);
  });

  it('retries a failing job until it succeeds, counting the attempts', async () => {
    const q = await queue();
    const got = collect<{ n: number }>(3);
    await q.work<{ n: number }>('test.retry', async (data, { attempt }) => {
      got.record(data, attempt);
      if (attempt < 3) throw new Error('receiver down');
    });
    await q.enqueue('test.retry', { n: 1 }, { retryLimit: 5, retryDelaySeconds: 0 });
    await got.all;
    expect(got.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  it('keeps a job enqueued while no worker runs, for the next process', async () => {
    const first = await queue(['test.later']);
    await first.enqueue('test.later', { n: 42 });
    await first.stop();
    const second = await queue();
    const got = collect<{ n: number }>(1);
    await second.work<{ n: number }>('test.later', async (data, { attempt }) => got.record(data, attempt));
    await got.all;
    expect(got.seen).toEqual([{ data: { n: 42 }, attempt: 1 }]);
  });

  it('keeps one schedule however many processes declare it', async () => {
    const a = await queue();
    const b = await queue();
    await a.schedule('test.cron', '*/5 * * * *');
    await b.schedule('test.cron', '*/5 * * * *');
    const { rows } = await sqlExecutorOf(database.database).executeSql(
      `select name, cron from ${JOB_SCHEMA}.schedule where name = $1`,
      ['test.cron'],
    );
    expect(rows).toEqual([{ name: 'test.cron', cron: '*/5 * * * *' }]);
  });

  it('starts in several processes at once on a fresh database (a deploy), each one working', async () => {
    const fresh = await createTestDatabase();
    const queues: JobQueue[] = [];
    try {
      // Four services starting together, each as openStores starts its queue: under the
      // start-up lock (without it, concurrent schema installs deadlock on Postgres).
      queues.push(
        ...(await Promise.all(
          Array.from({ length: 4 }, () =>
            withStartupLock(fresh.database, () =>
              startPgBossQueue({
                executor: sqlExecutorOf(fresh.database),
                queues: ['deploy.a', 'deploy.b', 'deploy.c'],
                pollingIntervalSeconds: 0.5,
              }),
            ),
          ),
        )),
      );
      const jobs = collect<{ n: number }>(1);
      await queues[3]!.work<{ n: number }>('deploy.a', async (data, { attempt }) =>
        jobs.record(data, attempt),
      );
      await queues[0]!.enqueue('deploy.a', { n: 1 });
      await jobs.all;
      expect(jobs.seen.map((job) => job.data)).toEqual([{ n: 1 }]);
    } finally {
      for (const q of queues) await q.stop();
      await fresh.close();
    }
  }, 60_000);
});
