import { readFileSync } from 'node:fs';
import { mintFamilyToken, randomToken, readRefreshToken, TOKEN_PREFIX } from '@gatehouse/core';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing/index.js';

const migration = (tag: string) =>
  readFileSync(new URL(`../drizzle/${tag}.sql`, import.meta.url), 'utf8').split('--> statement-breakpoint');

/**
 * The row-per-token table as the migrations before families built it (0000, 0001, 0004): it is
 * dropped by 0011, so the test builds it again from those same statements to have legacy rows.
 */
const legacyTable = ['0000_init', '0001_refresh_tokens_fillfactor', '0004_oidc_signing_keys_and_token_claims']
  .flatMap(migration)
  .filter((s) => /(CREATE TABLE|ALTER TABLE|ON) "refresh_tokens"/.test(s));

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
      for (const statement of legacyTable) await db.execute(sql.raw(statement));
      // Real legacy token values, so the stores can be asked about them after the table is gone.
      const legacyValue = {
        a1: randomToken(TOKEN_PREFIX.refreshToken),
        a2: randomToken(TOKEN_PREFIX.refreshToken),
      };
      const a1 = readRefreshToken(legacyValue.a1).tokenHash;
      const a2 = readRefreshToken(legacyValue.a2).tokenHash;
      // Family A rotated twice (a0 -> a1 -> a2, a2 live); family B revoked with its one token.
      await db.execute(sql`
        insert into refresh_tokens
          (token_hash, family_id, client_id, user_id, scopes, rotated_at, replaced_by_hash, revoked_at, created_at, expires_at, auth_time, sid)
        values
          ('a0', 'famA', ${c}, ${u}, '{profile}', '2026-01-01T01:00:00Z', ${a1}, null, '2026-01-01T00:00:00Z', '2100-02-01T00:00:00Z', 100, 's1'),
          (${a1}, 'famA', ${c}, ${u}, '{profile}', '2026-01-01T02:00:00Z', ${a2}, null, '2026-01-01T01:00:00Z', '2100-02-01T00:00:00Z', 100, 's1'),
          (${a2}, 'famA', ${c}, ${u}, '{profile}', null, null, null, '2026-01-01T02:00:00Z', '2100-02-01T00:00:00Z', 100, 's1'),
          ('b0', 'famB', ${c}, ${u}, '{profile}', null, null, '2026-01-03T00:00:00Z', '2026-01-02T00:00:00Z', '2026-02-02T00:00:00Z', null, null)`);
      const backfill = migration('0010_refresh_token_families').filter((s) => s.includes('"legacy_ranked"'));
      expect(backfill).toHaveLength(2);
      for (const statement of backfill) await db.execute(sql.raw(statement));
      // Then the old table goes, exactly as 0011 drops it.
      for (const statement of migration('0011_drop_refresh_tokens')) await db.execute(sql.raw(statement));
      const left = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from pg_class where relname = 'refresh_tokens'`),
      );
      expect(Number(left[0]!.n)).toBe(0);

      const families = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
        select id, generation, token_hash, previous_hash, key_hash, rotated_at, revoked_at, created_at, auth_time, sid
        from refresh_token_families where id in ('famA', 'famB') order by id`),
      );
      expect(
        families.map((f) => [f.id, Number(f.generation), f.token_hash, f.previous_hash, f.key_hash]),
      ).toEqual([
        ['famA', 2, a2, a1, null],
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
      expect(legacy.map((l) => [l.token_hash, l.family_id, Number(l.generation)]).sort()).toEqual(
        [
          ['a0', 'famA', 0],
          [a1, 'famA', 1],
          [a2, 'famA', 2],
          ['b0', 'famB', 0],
        ].sort(),
      );

      // Nobody signed out: with the old table gone, the live legacy token is found and rotates
      // as the refresh grant rotates it; the spent one is still a reuse of its family (SEC-11).
      const refreshTokens = test.stores.refreshTokens;
      const spent = await refreshTokens.find(readRefreshToken(legacyValue.a1));
      expect(spent).toMatchObject({ familyId: 'famA', generation: 1 });
      expect(spent?.rotatedAt).not.toBeNull();
      const presented = readRefreshToken(legacyValue.a2);
      const position = await refreshTokens.find(presented);
      expect(position).toMatchObject({ familyId: 'famA', generation: 2, rotatedAt: null, revokedAt: null });
      const next = mintFamilyToken('famA', 3);
      const rotation = await refreshTokens.rotate({
        presented,
        familyId: 'famA',
        generation: 2,
        clientId: c,
        nextHash: next.hash,
        keyHash: next.keyHash,
        requestedScopes: [],
        now: new Date(),
      });
      expect(rotation.kind).toBe('rotated');
      expect(await refreshTokens.find(readRefreshToken(next.value))).toMatchObject({
        familyId: 'famA',
        generation: 3,
        rotatedAt: null,
      });
    } finally {
      await test.close();
    }
  }, 120_000);
});
