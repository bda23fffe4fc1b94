import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { describe, expect, it } from 'vitest';
import { connectPostgres, openDatabase } from './connection.js';
import { migrateDatabase, migrationsFolder } from './migrate.js';

/** Every committed migration, in order, however many branches have added. */
const MIGRATIONS: string[] = JSON.parse(
  readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8'),
).entries.map((e: { tag: string }) => e.tag);

import { createDurableStores } from './stores/index.js';
import { createTestDatabase } from './testing/index.js';

describe('openDatabase', () => {
  it('fails closed when Postgres cannot be reached', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const database = await openDatabase({
      databaseUrl: 'postgres://gatehouse:pw@127.0.0.1:1/none',
      dataDir: '',
    });
    const stores = createDurableStores(database);
    try {
      expect(database.kind).toBe('postgres');
      const unavailable = { name: 'StoreUnavailableError', store: 'database' };
      await expect(stores.ping()).rejects.toMatchObject(unavailable);
      await expect(stores.users.findByLogin('alice')).rejects.toMatchObject(unavailable);
      await expect(migrateDatabase(database)).rejects.toMatchObject(unavailable);
      const error: unknown = await stores.ping().catch((e: unknown) => e);
      expect(String(error) + String((error as Error).cause)).not.toContain(':pw@');
    } finally {
      await stores.close();
    }
  });

  it('creates, migrates and reopens an embedded PGlite directory', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'gatehouse-db-test-'));
    const dataDir = join(parent, 'nested', 'data');
    try {
      const database = await openDatabase({ databaseUrl: null, dataDir });
      expect(database.kind).toBe('pglite');
      expect((await stat(dataDir)).isDirectory()).toBe(true);
      expect(await migrateDatabase(database)).toEqual({ applied: MIGRATIONS, total: MIGRATIONS.length });
      const stores = createDurableStores(database);
      await stores.users.create({ username: 'kept', email: 'kept@example.test', passwordHash: 'x' });
      await stores.close();
      await stores.close(); // idempotent

      const reopened = await openDatabase({ dataDir });
      try {
        expect(await migrateDatabase(reopened)).toEqual({ applied: [], total: MIGRATIONS.length });
        expect(await createDurableStores(reopened).users.findByLogin('KEPT')).toMatchObject({
          username: 'kept',
        });
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!process.env.DATABASE_URL)('connectPostgres (Postgres)', () => {
  it('prepares the statements Drizzle sends, once per connection', async () => {
    const test = await createTestDatabase();
    // One connection, so the statements it prepared are the ones this session can list.
    const client = connectPostgres(test.url!, 1);
    const stores = createDurableStores({
      kind: 'postgres',
      db: drizzle({ client }),
      ping: async () => {},
      close: () => client.end(),
    });
    try {
      await stores.users.findById(1);
      await stores.users.findById(2);
      // The pattern is a parameter, so this query's own (prepared) text does not match it.
      const statements = await client<{ statement: string }[]>`
        select statement from pg_prepared_statements where strpos(statement, ${'from "users"'}) > 0`;
      expect(statements).toHaveLength(1);
    } finally {
      await stores.close();
      await test.close();
    }
  });
});
