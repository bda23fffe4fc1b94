import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { desc, sql } from 'drizzle-orm';
import { bigint, pgSchema } from 'drizzle-orm/pg-core';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { connectPostgres, type Database, type Db, postgresUrlOf } from './connection.js';
import { driverError, rethrowAsStoreError } from './errors.js';

/** Resolved from this module, so the built package finds its migrations wherever it is installed. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface MigrationReport {
  /** Tags of the migrations applied by this call, oldest first (e.g. `0000_init`). */
  applied: string[];
  /** How many migrations the package ships. */
  total: number;
}

interface JournalEntry {
  tag: string;
  /** The `created_at` drizzle records for the migration. */
  when: number;
}

/** Drizzle's own bookkeeping table, read to tell the caller what a run changed. */
const drizzleMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  createdAt: bigint('created_at', { mode: 'number' }),
});

/** Any fixed number: the key of the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_KEY = 4_718_230_571;

/** Applies the migrations not applied yet. Throws `StoreUnavailableError` when the database is down. */
export async function migrateDatabase(database: Database): Promise<MigrationReport> {
  try {
    return await migrate(database);
  } catch (error) {
    rethrowAsStoreError(error);
  }
}

async function migrate(database: Database): Promise<MigrationReport> {
  if (database.kind === 'pglite') {
    // One process owns a PGlite directory, so there is nobody to race.
    return reportAround(database.db, () => migratePglite(database.db, { migrationsFolder }));
  }
  // A dedicated single connection: the advisory lock and drizzle's statements share one session.
  const client = connectPostgres(postgresUrlOf(database), 1);
  try {
    const db = drizzlePostgres({ client });
    // Instances starting together would otherwise race to create the same tables.
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    return await reportAround(db, () => migratePostgres(db, { migrationsFolder }));
  } finally {
    await client.end({ timeout: 5 }); // also releases the lock
  }
}

/** The key of the advisory lock that serialises other start-up work of processes starting together. */
const STARTUP_LOCK_KEY = 4_718_230_572;

/**
 * Runs `work` while holding a Postgres advisory lock (on a connection of its own), so processes
 * starting together do it one after the other — e.g. pg-boss installing its schema and queues,
 * which deadlocks when four services of a deploy do it at once. PGlite lives in one process on one
 * connection, where interleaved start-ups would mix their transactions: they queue in memory.
 */
export async function withStartupLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.kind === 'pglite') return inStartupQueue(database, work);
  const client = connectPostgres(postgresUrlOf(database), 1);
  try {
    await client`select pg_advisory_lock(${STARTUP_LOCK_KEY})`;
    return await work();
  } finally {
    await client.end({ timeout: 5 }); // also releases the lock
  }
}

const startupQueues = new WeakMap<Database, Promise<unknown>>();

function inStartupQueue<T>(database: Database, work: () => Promise<T>): Promise<T> {
  const previous = startupQueues.get(database) ?? Promise.resolve();
  const next = previous.then(work);
  startupQueues.set(
    database,
    next.catch(() => undefined),
  );
  return next;
}

async function reportAround(db: Db, migrate: () => Promise<void>): Promise<MigrationReport> {
  const journal = readJournal();
  const before = await lastAppliedAt(db);
  await migrate();
  return {
    applied: journal.filter((entry) => entry.when > before).map((entry) => entry.tag),
    total: journal.length,
  };
}

function readJournal(): JournalEntry[] {
  const text = readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8');
  return (JSON.parse(text) as { entries: JournalEntry[] }).entries;
}

async function lastAppliedAt(db: Db): Promise<number> {
  try {
    const [last] = await db
      .select({ createdAt: drizzleMigrations.createdAt })
      .from(drizzleMigrations)
      .orderBy(desc(drizzleMigrations.createdAt))
      .limit(1);
    return last?.createdAt ?? 0;
  } catch (error) {
    if (driverError(error)?.code === '42P01' || driverError(error)?.code === '3F000') return 0; // never migrated
    throw error;
  }
}
