import { openCache } from '@gatehouse/cache';
import type { Config, Stores } from '@gatehouse/core';
import {
  canonicaliseStoredEmails,
  createDurableStores,
  migrateDatabase,
  openDatabase,
  sqlExecutorOf,
  withStartupLock,
} from '@gatehouse/db';
import { JOB_QUEUES, startPgBossQueue } from '@gatehouse/jobs';
import { withRememberedClients } from './remembered-clients.js';

/**
 * Opens the database (Postgres, or embedded PGlite when DATABASE_URL is unset),
 * applies pending migrations, opens the cache (Redis, or in-memory) and the durable job
 * queue on the same database (pg-boss installs its own schema). Clients are remembered in
 * the process, kept current through the cache (`withRememberedClients`). Closing stops the
 * queue first — running jobs finish — then closes the pools.
 */
export async function openStores(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir' | 'redisUrl'>,
): Promise<Stores & { close(): Promise<void> }> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  try {
    await migrateDatabase(database);
    const emails = await canonicaliseStoredEmails(database);
    if (emails.duplicates.length > 0) {
      // SEC-35: never merged or deleted here; `pnpm db:migrate` lists them.
      process.emitWarning(
        `${emails.duplicates.length} accounts share a mailbox with another account; run db:migrate to list them`,
      );
    }
    const cache = await openCache({ redisUrl: config.redisUrl });
    const db = createDurableStores(database);
    // One process at a time installs pg-boss's schema and queues (concurrent installs deadlock).
    const jobs = await withStartupLock(database, () =>
      startPgBossQueue({
        executor: sqlExecutorOf(database),
        queues: JOB_QUEUES,
        onError: (error) => process.emitWarning(`job queue: ${error.message}`),
      }),
    );
    return withRememberedClients({
      db,
      cache,
      jobs,
      async close() {
        await jobs.stop();
        await Promise.allSettled([cache.close(), db.close()]);
      },
    });
  } catch (error) {
    await database.close();
    throw error;
  }
}
