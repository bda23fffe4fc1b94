/**
 * Test databases for any package whose tests need the durable stores:
 *
 *   const db = await createTestDatabase();   // in beforeAll
 *   ... db.stores.users.create(...) ...
 *   await db.close();                         // in afterAll
 *
 * Each call gives a fresh, migrated, empty database: on the Postgres server named
 * by DATABASE_URL when it is set, otherwise in embedded PGlite. See README.md.
 */
import type { DurableStores } from '@gatehouse/core';
import type { DurableStoresWithLegacyTokens } from '@gatehouse/core/testing';
import type { Database } from '../connection.js';
import { createDurableStores } from '../stores/index.js';
import { PgliteTestDatabases } from '../test-databases/pglite.js';
import { PostgresTestDatabases } from '../test-databases/postgres.js';
import { seedLegacyRefreshToken } from './legacy-refresh-token.js';

export { seedLegacyRefreshToken };

export interface TestDatabase {
  database: Database;
  stores: DurableStores;
  /**
   * Postgres only: the URL of this database, for a server process a test starts
   * beside it (PGlite's directory can be opened by one process only).
   */
  url?: string;
  /** Closes the connection and deletes the database. Idempotent. */
  close(): Promise<void>;
}

let databases: PostgresTestDatabases | PgliteTestDatabases | undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  databases ??= url ? new PostgresTestDatabases(url) : new PgliteTestDatabases();
  const created = await databases.create();
  const { database, drop } = created;
  let closing: Promise<void> | undefined;
  return {
    database,
    stores: createDurableStores(database),
    ...('url' in created ? { url: created.url as string } : {}),
    close: () => {
      closing ??= drop();
      return closing;
    },
  };
}

/** A test database that can also hold refresh tokens from before family keys (see `seedLegacyRefreshToken`). */
export async function createTestDatabaseWithLegacyTokens(): Promise<
  TestDatabase & DurableStoresWithLegacyTokens
> {
  const test = await createTestDatabase();
  return { ...test, seedLegacyRefreshToken: (token) => seedLegacyRefreshToken(test.database, token) };
}
