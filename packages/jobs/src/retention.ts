import { RETENTION_KINDS, type RetentionKind, type RetentionStore, retentionCutoffs } from '@gatehouse/core';

/** The queue of the recurring job that deletes what ended (SEC-96). */
export const RETENTION = 'maintenance.retention';

/**
 * Every 10 minutes: each run then has about ten minutes' worth of ended records to delete — a
 * few short batches — instead of an hour's or a day's burst; a run with nothing to do is one
 * index probe per kind. Nothing waits on retention, so a shorter tick would buy nothing.
 */
export const RETENTION_CRON = '*/10 * * * *';

/** Rows per statement: each batch is a few milliseconds of locks, never a long transaction. */
export const RETENTION_BATCH_SIZE = 500;

export type RetentionReport = Record<RetentionKind, number>;

/**
 * Deletes every record that ended by core's cut-offs at `now`, kind after kind (a family's
 * legacy hashes before the family), batch after batch: each batch is one statement of its own
 * that skips rows a request holds, so a run never holds a lock for longer than one batch.
 * Never touches the ledger, charges, refunds or balances.
 */
export async function runRetention(
  store: RetentionStore,
  now: Date,
  policy: { auditRetentionDays: number },
  batchSize = RETENTION_BATCH_SIZE,
): Promise<RetentionReport> {
  const cutoffs = retentionCutoffs(now, policy);
  const report = {} as RetentionReport;
  for (const kind of RETENTION_KINDS) {
    report[kind] = 0;
    for (;;) {
      const deleted = await store.deleteEnded(kind, cutoffs[kind], batchSize);
      report[kind] += deleted;
      // A short batch is the last one (rows skipped as locked wait for the next tick).
      if (deleted < batchSize) break;
    }
  }
  return report;
}
