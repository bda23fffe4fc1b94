import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing/index.js';

/** postgres.js answers an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/**
 * The SEC-33 migration on rows written under the old rule (keys unique per user): the same
 * admin key for two users must survive the new (scope, key) index without losing a row.
 */
describe('migration: idempotency keys scoped to the caller', () => {
  it('keeps every legacy row; the oldest keeps the caller scope, later duplicates a per-user one', async () => {
    const test = await createTestDatabase();
    const { db } = test.database;
    try {
      const users = rowsOf<{ id: number }>(
        await db.execute(sql`
        insert into users (username, email, password_hash)
        values ('legacy_a', 'legacy_a@example.com', 'x'), ('legacy_b', 'legacy_b@example.com', 'x')
        returning id`),
      );
      const [a, b] = users.map((u) => Number(u.id));
      // As the old code stored them: no scope, the same key for two users.
      await db.execute(sql`
        insert into ledger_entries (user_id, amount, kind, idempotency_key, actor, balance_after)
        values (${a}, 10, 'credit', 'k-legacy', 'admin', 10), (${b}, 10, 'credit', 'k-legacy', 'admin', 10)`);
      await db.execute(
        sql`update ledger_entries set idempotency_scope = null where idempotency_key = 'k-legacy'`,
      );
      // Re-run the migration's backfill statement on them (the index exists, so order matters as in the file).
      const migration = await import('node:fs').then((fs) =>
        fs.readFileSync(new URL('../drizzle/0002_accounts_hardening.sql', import.meta.url), 'utf8'),
      );
      const backfill = migration
        .split('--> statement-breakpoint')
        .find((s) => s.includes('UPDATE "ledger_entries"'));
      expect(backfill).toBeDefined();
      await db.execute(sql.raw(backfill!));
      const rows = rowsOf<{ user_id: number; idempotency_scope: string }>(
        await db.execute(sql`
        select user_id, idempotency_scope from ledger_entries where idempotency_key = 'k-legacy' order by id`),
      );
      expect(rows.map((r) => [Number(r.user_id), r.idempotency_scope])).toEqual([
        [a, 'admin'],
        [b, `legacy-user:${b}:admin`],
      ]);
    } finally {
      await test.close();
    }
  }, 120_000);
});
