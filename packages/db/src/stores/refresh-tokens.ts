import {
  type NewRefreshToken,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type RotateResult,
  type RotationRequest,
  refreshRefusal,
} from '@gatehouse/core';
import { and, eq, exists, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { refreshTokens } from '../schema/refresh-tokens.js';
import { users } from '../schema/users.js';
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
    authTime: row.authTime,
    sid: row.sid,
  };
}

const live = and(isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt));

/**
 * The refresh grant in one statement: spend the old token only if core's `refreshRefusal`
 * finds nothing against it (live, the caller's, unexpired, covering the requested scopes,
 * its user active; SEC-80) — and store
 * its successor (same family, user, full scope and absolute expiry) only if that
 * happened. Row locking on the old token makes concurrent rotations queue up; the
 * losers re-check the conditions and match nothing.
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
      .where(
        and(
          eq(t.tokenHash, sql.placeholder('oldHash')),
          live,
          eq(t.clientId, sql.placeholder('clientId')),
          gt(t.expiresAt, placeholder('now', t.expiresAt)),
          sql`${t.scopes} @> ${placeholder('requestedScopes', t.scopes)}::text[]`,
          exists(
            db
              .select({ one: sql`1` })
              .from(users)
              .where(and(eq(users.id, t.userId), eq(users.status, 'active'))),
          ),
        ),
      )
      .returning(),
  );
  const stored = db.$with('stored').as(
    db.insert(t).select(
      db
        .select({
          tokenHash: sql<string>`${sql.placeholder('nextHash')}::text`.as('token_hash'),
          familyId: spent.familyId,
          clientId: spent.clientId,
          userId: spent.userId,
          scopes: spent.scopes,
          rotatedAt: sql<null>`null::timestamptz`.as('rotated_at'),
          replacedByHash: sql<null>`null::text`.as('replaced_by_hash'),
          revokedAt: sql<null>`null::timestamptz`.as('revoked_at'),
          createdAt: sql<Date>`${placeholder('now', t.createdAt)}::timestamptz`.as('created_at'),
          expiresAt: spent.expiresAt,
          authTime: spent.authTime,
          sid: spent.sid,
        })
        .from(spent),
    ),
  );
  return db.with(spent, stored).select().from(spent).prepare('refresh_tokens_rotate');
}

/** The first token of a family, stored only while its user is active: one statement, no read first. */
function prepareCreateForActiveUser(db: Db) {
  const t = refreshTokens;
  return db
    .insert(t)
    .select(
      db
        .select({
          tokenHash: sql<string>`${sql.placeholder('tokenHash')}::text`.as('token_hash'),
          familyId: sql<string>`${sql.placeholder('familyId')}::text`.as('family_id'),
          clientId: sql<number>`${sql.placeholder('clientId')}::integer`.as('client_id'),
          userId: users.id,
          scopes: sql<string[]>`${placeholder('scopes', t.scopes)}::text[]`.as('scopes'),
          rotatedAt: sql<null>`null::timestamptz`.as('rotated_at'),
          replacedByHash: sql<null>`null::text`.as('replaced_by_hash'),
          revokedAt: sql<null>`null::timestamptz`.as('revoked_at'),
          createdAt: sql<Date>`now()`.as('created_at'),
          expiresAt: sql<Date>`${placeholder('expiresAt', t.expiresAt)}::timestamptz`.as('expires_at'),
          authTime: sql<number | null>`${sql.placeholder('authTime')}::integer`.as('auth_time'),
          sid: sql<string | null>`${sql.placeholder('sid')}::text`.as('sid'),
        })
        .from(users)
        .where(and(eq(users.id, sql.placeholder('userId')), eq(users.status, 'active'))),
    )
    .returning({ tokenHash: t.tokenHash })
    .prepare('refresh_tokens_create_for_active_user');
}

export function createRefreshTokenStore(db: Db): RefreshTokenStore {
  const findByHash = db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare('refresh_tokens_find_by_hash');
  const rotate = prepareRotate(db);
  // A refused rotation reads the token with its user's status, for core to name the reason.
  const findWithUser = db
    .select({ token: refreshTokens, userStatus: users.status })
    .from(refreshTokens)
    .leftJoin(users, eq(users.id, refreshTokens.userId))
    .where(eq(refreshTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare('refresh_tokens_find_with_user');
  const createForActiveUser = prepareCreateForActiveUser(db);

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
        authTime: token.authTime ?? null,
        sid: token.sid ?? null,
      });
    },

    findByHash: find,

    async createForActiveUser(token: NewRefreshToken): Promise<boolean> {
      const rows = await createForActiveUser.execute({
        ...token,
        authTime: token.authTime ?? null,
        sid: token.sid ?? null,
      });
      return rows.length === 1;
    },

    async rotate(request: RotationRequest): Promise<RotateResult> {
      const [row] = await rotate.execute({ ...request });
      if (row) return { kind: 'rotated', previous: toRecord(row) };
      // Only a refused rotation pays for a second round trip.
      const [found] = await findWithUser.execute({ tokenHash: request.oldHash });
      const current = found ? toRecord(found.token) : null;
      const userActive = found?.userStatus === 'active';
      const now = request.now.getTime();
      const reason = refreshRefusal(current, request.clientId, now, request.requestedScopes, userActive);
      return { kind: 'refused', reason: reason ?? 'raced', current };
    },

    async undoRotation(oldHash: string, nextHash: string): Promise<boolean> {
      const t = refreshTokens;
      const unused = db.$with('unused').as(
        db
          .delete(t)
          .where(and(eq(t.tokenHash, nextHash), live))
          .returning({ tokenHash: t.tokenHash }),
      );
      const restored = await db
        .with(unused)
        .update(t)
        .set({ rotatedAt: null, replacedByHash: null })
        .where(
          and(
            eq(t.tokenHash, oldHash),
            eq(t.replacedByHash, nextHash),
            isNull(t.revokedAt),
            exists(db.select().from(unused)),
          ),
        )
        .returning({ tokenHash: t.tokenHash });
      return restored.length === 1;
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
