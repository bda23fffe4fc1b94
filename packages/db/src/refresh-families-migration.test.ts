import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing.js';

/** postgres.js answers an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/**
 * The SEC-81 migration on tokens written under the row-per-token design: every family gets one
 * row whose current token is the live one, and every legacy hash stays findable with its
 * generation, so nobody is signed out and a spent legacy token is still a reuse.
 */
describe('migration: one row per refresh-token family', () => {
  it('maps each family’s live token to its row and keeps every legacy hash', async () => {
    const test = await createTestDatabase();
    const { db } = test.database;
    try {
      const [user] = rowsOf<{ id: number }>(
        await db.execute(sql`
        insert into users (username, email, password_hash)
        values ('fam_legacy', 'fam_legacy@example.com', 'x') returning id`),
      );
      const [client] = rowsOf<{ id: number }>(
        await db.execute(sql`
        insert into clients (client_id, name, secret_hash, redirect_uris, allowed_scopes)
        values ('fam-legacy-client', 'x', 'x', '{https://x.test/cb}', '{profile}') returning id`),
      );
      const u = Number(user!.id);
      const c = Number(client!.id);
      // Family A rotated twice (a0 -> a1 -> a2, a2 live); family B revoked with its one token.
      await db.execute(sql`
        insert into refresh_tokens
          (token_hash, family_id, client_id, user_id, scopes, rotated_at, replaced_by_hash, revoked_at, created_at, expires_at, auth_time, sid)
        values
          ('a0', 'famA', ${c}, ${u}, '{profile}', '2026-01-01T01:00:00Z', 'a1', null, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 100, 's1'),
          ('a1', 'famA', ${c}, ${u}, '{profile}', '2026-01-01T02:00:00Z', 'a2', null, '2026-01-01T01:00:00Z', '2026-02-01T00:00:00Z', 100, 's1'),
          ('a2', 'famA', ${c}, ${u}, '{profile}', null, null, null, '2026-01-01T02:00:00Z', '2026-02-01T00:00:00Z', 100, 's1'),
          ('b0', 'famB', ${c}, ${u}, '{profile}', null, null, '2026-01-03T00:00:00Z', '2026-01-02T00:00:00Z', '2026-02-02T00:00:00Z', null, null)`);
      const migration = await import('node:fs').then((fs) =>
        fs.readFileSync(new URL('../drizzle/0010_refresh_token_families.sql', import.meta.url), 'utf8'),
      );
      const backfill = migration
        .split('--> statement-breakpoint')
        .filter((s) => s.includes('"legacy_ranked"'));
      expect(backfill).toHaveLength(2);
      for (const statement of backfill) await db.execute(sql.raw(statement));

      const families = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
        select id, generation, token_hash, previous_hash, key_hash, rotated_at, revoked_at, created_at, auth_time, sid
        from refresh_token_families where id in ('famA', 'famB') order by id`),
      );
      expect(
        families.map((f) => [f.id, Number(f.generation), f.token_hash, f.previous_hash, f.key_hash]),
      ).toEqual([
        ['famA', 2, 'a2', 'a1', null],
        ['famB', 0, 'b0', 'b0', null],
      ]);
      expect(new Date(families[0]!.rotated_at as string).toISOString()).toBe('2026-01-01T02:00:00.000Z');
      expect(new Date(families[0]!.created_at as string).toISOString()).toBe('2026-01-01T00:00:00.000Z');
      expect(families[0]!.revoked_at).toBeNull();
      expect(new Date(families[1]!.revoked_at as string).toISOString()).toBe('2026-01-03T00:00:00.000Z');
      expect([Number(families[0]!.auth_time), families[0]!.sid]).toEqual([100, 's1']);

      const legacy = rowsOf<{ token_hash: string; family_id: string; generation: number }>(
        await db.execute(sql`
        select token_hash, family_id, generation from refresh_token_legacy_hashes
        where family_id in ('famA', 'famB') order by token_hash`),
      );
      expect(legacy.map((l) => [l.token_hash, l.family_id, Number(l.generation)])).toEqual([
        ['a0', 'famA', 0],
        ['a1', 'famA', 1],
        ['a2', 'famA', 2],
        ['b0', 'famB', 0],
      ]);
    } finally {
      await test.close();
    }
  }, 120_000);
});
