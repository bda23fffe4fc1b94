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
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { refreshTokenFamilies, refreshTokenLegacyHashes } from '../schema/refresh-token-families.js';
import { users } from '../schema/users.js';
import { statementBatch } from '../statement-batch.js';
import {
  CREATION_BATCH,
  prepareCreateForActiveUser,
  prepareCreateManyForActiveUsers,
  prepareRotate,
  prepareRotateMany,
  ROTATION_BATCH,
} from './refresh-token-statements.js';
import { recordEventInTransaction } from './webhooks.js';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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

  return translateErrors({
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
