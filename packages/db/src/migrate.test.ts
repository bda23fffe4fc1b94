import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';
import { migrateDatabase, migrationsFolder } from './migrate.js';
import { createDurableStores } from './stores/index.js';
import { scratchName } from './test-databases/run-owner.js';
import { createTestDatabase } from './testing/index.js';

describe('migrateDatabase', () => {
  it('finds the migrations next to the module', () => {
    expect(existsSync(`${migrationsFolder}/meta/_journal.json`)).toBe(true);
  });

  it('does nothing on a database that is up to date', async () => {
    const test = await createTestDatabase();
    try {
      // Every committed migration, however many branches have added.
      const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8'));
      expect(await migrateDatabase(test.database)).toEqual({ applied: [], total: journal.entries.length });
    } finally {
      await test.close();
    }
  }, 120_000);

  it('leaves room on refresh-token pages, so rotations update in place (HOT)', async () => {
    const test = await createTestDatabase();
    try {
      const result = await test.database.db.execute(
        sql`select reloptions from pg_class where relname = 'refresh_token_families'`,
      );
      const rows = (Array.isArray(result) ? result : result.rows) as { reloptions: string[] | null }[];
      expect(rows[0]?.reloptions).toContain('fillfactor=50');
    } finally {
      await test.close();
    }
  }, 120_000);

  // Several instances may start at once against one empty database.
  it.skipIf(!process.env.DATABASE_URL)(
    'lets concurrent migrators apply each migration once',
    async () => {
      const serverUrl = process.env.DATABASE_URL!;
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      const name = scratchName('gh_t');
      await admin.unsafe(`create database "${name}" template template0`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const instances = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ databaseUrl: url.toString(), dataDir: '' })),
      );
      try {
        const reports = await Promise.all(instances.map((database) => migrateDatabase(database)));
        expect(reports.map((r) => r.applied).sort()).toEqual([
          [],
          [],
          JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')).entries.map(
            (e: { tag: string }) => e.tag,
          ),
        ]);
        const [first] = instances;
        await expect(createDurableStores(first!).users.isEmpty()).resolves.toBe(true);
      } finally {
        await Promise.all(instances.map((database) => database.close()));
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    },
    60_000,
  );
});
