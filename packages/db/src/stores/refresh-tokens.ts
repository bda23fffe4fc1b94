import type { NewRefreshToken, RefreshTokenRecord, RefreshTokenStore, RotateResult } from '@gatehouse/core';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { placeholder } from './placeholders.js';

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

function toRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.tokenHash,
    familyId: row.familyId,
    clientId: row.clientId,
    userId: row.userId,
    scopes: row.scopes,
    rotatedAt: row.rotatedAt,
    replacedByHash: row.replacedByHash,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

const live = and(isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt));

/**
 * The token endpoint's hot path in one statement: spend the old token only if it
 * is live, and store its successor only if that happened. Row locking on the old
 * token makes concurrent rotations queue up; the losers re-check `live` and match
 * nothing.
 */
function prepareRotate(db: Db) {
  const t = refreshTokens;
  const spent = db.$with('spent').as(
    db
      .update(t)
      .set({
        rotatedAt: sql`${placeholder('now', t.rotatedAt)}`,
        replacedByHash: sql`${sql.placeholder('nextHash')}`,
      })
      .where(and(eq(t.tokenHash, sql.placeholder('oldHash')), live))
      .returning(),
  );
  const stored = db.$with('stored').as(
    db.insert(t).select(
      db
        .select({
          tokenHash: sql<string>`${sql.placeholder('nextHash')}::text`.as('token_hash'),
          familyId: sql<string>`${sql.placeholder('familyId')}::text`.as('family_id'),
          clientId: sql<number>`${sql.placeholder('clientId')}::integer`.as('client_id'),
          userId: sql<number>`${sql.placeholder('userId')}::integer`.as('user_id'),
          scopes: sql<string[]>`${placeholder('scopes', t.scopes)}::text[]`.as('scopes'),
          rotatedAt: sql<null>`null::timestamptz`.as('rotated_at'),
          replacedByHash: sql<null>`null::text`.as('replaced_by_hash'),
          revokedAt: sql<null>`null::timestamptz`.as('revoked_at'),
          createdAt: sql<Date>`${placeholder('now', t.createdAt)}::timestamptz`.as('created_at'),
          // Whatever the caller asks, a successor never outlives the family (absolute lifetime).
          expiresAt:
            sql<Date>`least(${placeholder('expiresAt', t.expiresAt)}::timestamptz, ${spent.expiresAt})`.as(
              'expires_at',
            ),
        })
        .from(spent),
    ),
  );
  return db.with(spent, stored).select().from(spent).prepare('refresh_tokens_rotate');
}

export function createRefreshTokenStore(db: Db): RefreshTokenStore {
  const findByHash = db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare('refresh_tokens_find_by_hash');
  const rotate = prepareRotate(db);

  async function find(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const [row] = await findByHash.execute({ tokenHash });
    return row ? toRecord(row) : null;
  }

  /** Revokes what is not yet revoked; returns the rows it changed. */
  function revokeWhere(condition: ReturnType<typeof and>, now: Date) {
    return db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(condition, isNull(refreshTokens.revokedAt)))
      .returning({ familyId: refreshTokens.familyId, rotatedAt: refreshTokens.rotatedAt });
  }

  const distinctFamilies = (rows: { familyId: string }[]) => [...new Set(rows.map((row) => row.familyId))];

  return translateErrors({
    async create(token: NewRefreshToken): Promise<void> {
      await db.insert(refreshTokens).values({
        tokenHash: token.tokenHash,
        familyId: token.familyId,
        clientId: token.clientId,
        userId: token.userId,
        scopes: token.scopes,
        expiresAt: token.expiresAt,
      });
    },

    findByHash: find,

    async rotate(oldHash: string, next: NewRefreshToken, now: Date): Promise<RotateResult> {
      const [row] = await rotate.execute({
        oldHash,
        nextHash: next.tokenHash,
        familyId: next.familyId,
        clientId: next.clientId,
        userId: next.userId,
        scopes: next.scopes,
        now,
        expiresAt: next.expiresAt,
      });
      if (row) return { kind: 'rotated', previous: toRecord(row) };
      // Only a failed rotation pays for a second round trip.
      const previous = await find(oldHash);
      return previous ? { kind: 'reused', previous } : { kind: 'not_found' };
    },

    async revokeFamily(familyId: string, now: Date): Promise<number> {
      const rows = await revokeWhere(eq(refreshTokens.familyId, familyId), now);
      return rows.filter((row) => row.rotatedAt === null).length;
    },

    async revokeForUser(userId: number, clientId: number | null, now: Date): Promise<string[]> {
      const forUser = eq(refreshTokens.userId, userId);
      const condition = clientId === null ? forUser : and(forUser, eq(refreshTokens.clientId, clientId));
      return distinctFamilies(await revokeWhere(condition, now));
    },

    async revokeForClient(clientId: number, now: Date): Promise<string[]> {
      return distinctFamilies(await revokeWhere(eq(refreshTokens.clientId, clientId), now));
    },
  });
}
