import {
  type NewRefreshToken,
  type PresentedRefreshToken,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type RotateResult,
  type RotationRequest,
  refreshRefusal,
  standingOf,
} from '@gatehouse/core';
import { type GrantRevokedReason, grantRevokedEventData } from '@gatehouse/core/webhooks';
import { and, eq, exists, getTableColumns, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { refreshTokenFamilies, refreshTokenLegacyHashes } from '../schema/refresh-token-families.js';
import { users } from '../schema/users.js';
import { statementBatch } from '../statement-batch.js';
import { placeholder } from './placeholders.js';
import { recordEventInTransaction } from './webhooks.js';

/**
 * The refresh grant in one statement: an in-place update of the family's narrow row, only if
 * the presented token is its current one and core's `refreshRefusal` finds nothing against it
 * (the caller's, unrevoked, unexpired, covering the requested scopes, its user active; SEC-80).
 * No indexed column changes, so Postgres updates the row in place (HOT). Row locking makes
 * concurrent rotations queue up; the losers re-check `generation` and match nothing.
 */
function prepareRotate(db: Db) {
  const f = refreshTokenFamilies;
  return db
    .update(f)
    .set({
      tokenHash: sql`${sql.placeholder('nextHash')}`,
      previousHash: sql`${f.tokenHash}`,
      generation: sql`${f.generation} + 1`,
      keyHash: sql`${sql.placeholder('keyHash')}`,
      rotatedAt: sql`${placeholder('now', f.rotatedAt)}`,
    })
    .where(
      and(
        eq(f.id, sql.placeholder('familyId')),
        eq(f.generation, sql.placeholder('generation')),
        eq(f.tokenHash, sql.placeholder('oldHash')),
        isNull(f.revokedAt),
        eq(f.clientId, sql.placeholder('clientId')),
        gt(f.expiresAt, placeholder('now', f.expiresAt)),
        sql`${f.scopes} @> ${placeholder('requestedScopes', f.scopes)}::text[]`,
        exists(
          db
            .select({ one: sql`1` })
            .from(users)
            .where(and(eq(users.id, f.userId), eq(users.status, 'active'))),
        ),
      ),
    )
    .returning()
    .prepare('refresh_token_families_rotate');
}

/**
 * The same rotation for many requests in one statement (see `statementBatch`): each request is
 * one row of the `unnest`, matched to its family by the same conditions as `prepareRotate`, and
 * the rows that rotated come back with their request's index. Two requests for one family in a
 * batch update it once: the other finds no row and is refused, as a loser of the race is today.
 * Callers sort a batch by family id, so batches lock rows in one order.
 */
function prepareRotateMany(db: Db) {
  const f = refreshTokenFamilies;
  const p = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;
  const requests = sql`unnest(${p('index', 'int')}, ${p('familyId', 'text')}, ${p('generation', 'int')},
    ${p('oldHash', 'text')}, ${p('nextHash', 'text')}, ${p('keyHash', 'text')}, ${p('clientId', 'int')},
    ${p('requestedScopes', 'text')}, ${p('now', 'text')})
    AS r(r_index, r_family_id, r_generation, r_old_hash, r_next_hash, r_key_hash, r_client_id, r_scopes, r_now)`;
  return db
    .update(f)
    .set({
      tokenHash: sql`r_next_hash`,
      previousHash: sql`${f.tokenHash}`,
      generation: sql`${f.generation} + 1`,
      keyHash: sql`r_key_hash`,
      rotatedAt: sql`r_now::timestamptz`,
    })
    .from(requests)
    .where(
      and(
        eq(f.id, sql`r_family_id`),
        eq(f.generation, sql`r_generation`),
        eq(f.tokenHash, sql`r_old_hash`),
        isNull(f.revokedAt),
        eq(f.clientId, sql`r_client_id`),
        gt(f.expiresAt, sql`r_now::timestamptz`),
        // Scope tokens never hold a space (RFC 6749 §3.3), so a space-joined list is lossless.
        sql`${f.scopes} @> string_to_array(r_scopes, ' ')`,
        exists(
          db
            .select({ one: sql`1` })
            .from(users)
            .where(and(eq(users.id, f.userId), eq(users.status, 'active'))),
        ),
      ),
    )
    .returning({ index: sql<number>`r_index`, ...getTableColumns(f) })
    .prepare('refresh_token_families_rotate_many');
}

/**
 * One rotation batch in flight per process: a batch's replaced row versions are then dead to
 * this process's every transaction by the time the next batch visits their pages, so Postgres
 * can prune them and the next rotation stays on its page (HOT; SEC-81). Overlapping batches
 * would each hold the others' versions visible a little longer. One in flight measured the same
 * as four (bench/README.md, lever 9).
 */
const ROTATION_BATCH = { maxInFlight: 1, maxBatch: 64 };

/** New families: half the pool of 8, so a lone statement always finds a connection. */
const CREATION_BATCH = { maxInFlight: 4, maxBatch: 64 };

/** The first token of a family, stored only while its user is active: one statement, no read first. */
function prepareCreateForActiveUser(db: Db) {
  const f = refreshTokenFamilies;
  return db
    .insert(f)
    .select(
      db
        .select({
          id: sql<string>`${sql.placeholder('familyId')}::text`.as('id'),
          clientId: sql<number>`${sql.placeholder('clientId')}::integer`.as('client_id'),
          userId: users.id,
          scopes: sql<string[]>`${placeholder('scopes', f.scopes)}::text[]`.as('scopes'),
          generation: sql<number>`0`.as('generation'),
          tokenHash: sql<string>`${sql.placeholder('tokenHash')}::text`.as('token_hash'),
          // Born at its final width (see the schema): the row never grows, so it never moves.
          previousHash: sql<string>`${sql.placeholder('tokenHash')}::text`.as('previous_hash'),
          keyHash: sql<string | null>`${sql.placeholder('keyHash')}::text`.as('key_hash'),
          rotatedAt: sql<Date>`now()`.as('rotated_at'),
          revokedAt: sql<null>`null::timestamptz`.as('revoked_at'),
          createdAt: sql<Date>`now()`.as('created_at'),
          expiresAt: sql<Date>`${placeholder('expiresAt', f.expiresAt)}::timestamptz`.as('expires_at'),
          authTime: sql<number | null>`${sql.placeholder('authTime')}::integer`.as('auth_time'),
          sid: sql<string | null>`${sql.placeholder('sid')}::text`.as('sid'),
        })
        .from(users)
        .where(and(eq(users.id, sql.placeholder('userId')), eq(users.status, 'active'))),
    )
    .returning({ id: f.id })
    .prepare('refresh_token_families_create_for_active_user');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The first tokens of many families in one statement, each stored only while its user is active
 * (the batched `prepareCreateForActiveUser`); the ids that were stored come back.
 */
function prepareCreateManyForActiveUsers(db: Db) {
  const f = refreshTokenFamilies;
  const p = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;
  const requests = sql`unnest(${p('familyId', 'text')}, ${p('clientId', 'int')}, ${p('userId', 'int')},
    ${p('scopes', 'text')}, ${p('tokenHash', 'text')}, ${p('keyHash', 'text')}, ${p('expiresAt', 'text')},
    ${p('authTime', 'int')}, ${p('sid', 'text')})
    AS r(r_family_id, r_client_id, r_user_id, r_scopes, r_token_hash, r_key_hash, r_expires_at, r_auth_time, r_sid)`;
  return db
    .insert(f)
    .select(
      db
        .select({
          id: sql<string>`r_family_id`.as('id'),
          clientId: sql<number>`r_client_id`.as('client_id'),
          userId: users.id,
          scopes: sql<string[]>`string_to_array(r_scopes, ' ')`.as('scopes'),
          generation: sql<number>`0`.as('generation'),
          tokenHash: sql<string>`r_token_hash`.as('token_hash'),
          previousHash: sql<string>`r_token_hash`.as('previous_hash'),
          keyHash: sql<string | null>`r_key_hash`.as('key_hash'),
          rotatedAt: sql<Date>`now()`.as('rotated_at'),
          revokedAt: sql<null>`null::timestamptz`.as('revoked_at'),
          createdAt: sql<Date>`now()`.as('created_at'),
          expiresAt: sql<Date>`r_expires_at::timestamptz`.as('expires_at'),
          authTime: sql<number | null>`r_auth_time`.as('auth_time'),
          sid: sql<string | null>`r_sid`.as('sid'),
        })
        .from(requests)
        .innerJoin(users, and(eq(users.id, sql`r_user_id`), eq(users.status, 'active'))),
    )
    .returning({ id: f.id })
    .prepare('refresh_token_families_create_many_for_active_users');
}

export function createRefreshTokenStore(db: Db): RefreshTokenStore {
  const f = refreshTokenFamilies;
  const l = refreshTokenLegacyHashes;
  const findFamily = db
    .select({ family: f, userStatus: users.status })
    .from(f)
    .leftJoin(users, eq(users.id, f.userId))
    .where(eq(f.id, sql.placeholder('familyId')))
    .prepare('refresh_token_families_find');
  const findLegacy = db
    .select({ family: f, userStatus: users.status, generation: l.generation })
    .from(l)
    .innerJoin(f, eq(f.id, l.familyId))
    .leftJoin(users, eq(users.id, f.userId))
    .where(eq(l.tokenHash, sql.placeholder('tokenHash')))
    .prepare('refresh_token_families_find_legacy');
  const rotate = prepareRotate(db);
  const rotateMany = prepareRotateMany(db);
  type RotatedRow = Awaited<ReturnType<typeof rotate.execute>>[number];

  /** One rotation alone, or many in one statement; the updated row per request, if it rotated. */
  async function runRotations(requests: readonly RotationRequest[]): Promise<(RotatedRow | undefined)[]> {
    if (requests.length === 1) {
      const request = requests[0]!;
      const [row] = await rotate.execute({
        familyId: request.familyId,
        generation: request.generation,
        oldHash: request.presented.tokenHash,
        nextHash: request.nextHash,
        keyHash: request.keyHash,
        clientId: request.clientId,
        requestedScopes: request.requestedScopes,
        now: request.now,
      });
      return [row];
    }
    const order = requests
      .map((_, i) => i)
      .sort((a, b) => compare(requests[a]!.familyId, requests[b]!.familyId));
    const column = <T>(pick: (request: RotationRequest) => T) => order.map((i) => pick(requests[i]!));
    const rows = await rotateMany.execute({
      index: order,
      familyId: column((r) => r.familyId),
      generation: column((r) => r.generation),
      oldHash: column((r) => r.presented.tokenHash),
      nextHash: column((r) => r.nextHash),
      keyHash: column((r) => r.keyHash),
      clientId: column((r) => r.clientId),
      requestedScopes: column((r) => r.requestedScopes.join(' ')),
      now: column((r) => r.now.toISOString()),
    });
    const byRequest: (RotatedRow | undefined)[] = new Array(requests.length);
    for (const { index, ...row } of rows) byRequest[index] = row;
    return byRequest;
  }
  const rotations = statementBatch({ run: runRotations, ...ROTATION_BATCH });

  const createForActiveUser = prepareCreateForActiveUser(db);
  const createManyForActiveUsers = prepareCreateManyForActiveUsers(db);

  /** One new family alone, or many in one statement; whether each was stored. */
  async function runCreations(tokens: readonly NewRefreshToken[]): Promise<boolean[]> {
    if (tokens.length === 1) {
      const token = tokens[0]!;
      const rows = await createForActiveUser.execute({
        ...token,
        authTime: token.authTime ?? null,
        sid: token.sid ?? null,
      });
      return [rows.length === 1];
    }
    const column = <T>(pick: (token: NewRefreshToken) => T) => tokens.map(pick);
    const rows = await createManyForActiveUsers.execute({
      familyId: column((t) => t.familyId),
      clientId: column((t) => t.clientId),
      userId: column((t) => t.userId),
      scopes: column((t) => t.scopes.join(' ')),
      tokenHash: column((t) => t.tokenHash),
      keyHash: column((t) => t.keyHash),
      expiresAt: column((t) => t.expiresAt.toISOString()),
      authTime: column((t) => t.authTime ?? null),
      sid: column((t) => t.sid ?? null),
    });
    const stored = new Set(rows.map((row) => row.id));
    return tokens.map((token) => stored.has(token.familyId));
  }
  const creations = statementBatch({ run: runCreations, ...CREATION_BATCH });

  /** The presented token's standing, with its user's activity (for core's refusal reason). */
  async function read(
    presented: PresentedRefreshToken,
  ): Promise<{ record: RefreshTokenRecord | null; userActive: boolean }> {
    if (presented.format === 'family') {
      const [found] = await findFamily.execute({ familyId: presented.familyId });
      if (!found) return { record: null, userActive: false };
      const member = found.family.keyHash !== null && found.family.keyHash === presented.keyHash;
      const record = standingOf(found.family, presented.tokenHash, presented.generation, member);
      return { record, userActive: found.userStatus === 'active' };
    }
    const [found] = await findLegacy.execute({ tokenHash: presented.tokenHash });
    if (!found) return { record: null, userActive: false };
    const record = standingOf(found.family, presented.tokenHash, found.generation, true);
    return { record, userActive: found.userStatus === 'active' };
  }

  /** Revokes what is not yet revoked; returns the families it changed. */
  async function revokeWhere(condition: ReturnType<typeof and>, now: Date): Promise<string[]> {
    const rows = await db
      .update(f)
      .set({ revokedAt: now })
      .where(and(condition, isNull(f.revokedAt)))
      .returning({ id: f.id });
    return rows.map((row) => row.id);
  }

  async function insertFamily(token: NewRefreshToken): Promise<void> {
    await db.insert(f).values({
      id: token.familyId,
      clientId: token.clientId,
      userId: token.userId,
      scopes: token.scopes,
      tokenHash: token.tokenHash,
      previousHash: token.tokenHash,
      rotatedAt: new Date(),
      keyHash: token.keyHash,
      expiresAt: token.expiresAt,
      authTime: token.authTime ?? null,
      sid: token.sid ?? null,
    });
  }

  return translateErrors({
    async create(token: NewRefreshToken): Promise<void> {
      await insertFamily(token);
      await db.insert(l).values({ tokenHash: token.tokenHash, familyId: token.familyId, generation: 0 });
    },

    async find(presented: PresentedRefreshToken): Promise<RefreshTokenRecord | null> {
      return (await read(presented)).record;
    },

    createForActiveUser(token: NewRefreshToken): Promise<boolean> {
      return creations.submit(token);
    },

    async rotate(request: RotationRequest): Promise<RotateResult> {
      const row = await rotations.submit(request);
      if (row) {
        // The record of the token just spent: the row as it stood, now one generation on.
        const previous = standingOf(row, request.presented.tokenHash, request.generation, true)!;
        return { kind: 'rotated', previous };
      }
      // Only a refused rotation pays for a second round trip.
      const { record: current, userActive } = await read(request.presented);
      const now = request.now.getTime();
      const reason = refreshRefusal(current, request.clientId, now, request.requestedScopes, userActive);
      return { kind: 'refused', reason: reason ?? 'raced', current };
    },

    async undoRotation(familyId: string, oldHash: string, nextHash: string): Promise<boolean> {
      const restored = await db
        .update(f)
        .set({
          // previous_hash and rotated_at keep their (now meaningless) values: same width, in place.
          tokenHash: sql`${f.previousHash}`,
          generation: sql`${f.generation} - 1`,
        })
        .where(
          and(
            eq(f.id, familyId),
            eq(f.tokenHash, nextHash),
            eq(f.previousHash, oldHash),
            isNull(f.revokedAt),
          ),
        )
        .returning({ id: f.id });
      return restored.length === 1;
    },

    async revokeFamily(familyId: string, now: Date): Promise<number> {
      return (await revokeWhere(eq(f.id, familyId), now)).length;
    },

    async revokeForUser(
      userId: number,
      clientId: number | null,
      now: Date,
      reason?: GrantRevokedReason,
    ): Promise<string[]> {
      const forUser = eq(f.userId, userId);
      const condition = clientId === null ? forUser : and(forUser, eq(f.clientId, clientId));
      if (!reason) return revokeWhere(condition, now);
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(f)
          .set({ revokedAt: now })
          .where(and(condition, isNull(f.revokedAt)))
          .returning({ id: f.id, clientId: f.clientId });
        for (const app of new Set(rows.map((row) => row.clientId))) {
          await recordEventInTransaction(tx, {
            clientId: app,
            type: 'grant.revoked',
            data: grantRevokedEventData(userId, reason),
            createdAt: now,
          });
        }
        return rows.map((row) => row.id);
      });
    },

    async revokeForClient(clientId: number, now: Date): Promise<string[]> {
      return revokeWhere(eq(f.clientId, clientId), now);
    },
  });
}
