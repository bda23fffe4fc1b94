/**
 * The refresh store's write statements, prepared once per process: the rotation and the first
 * token of a family, each alone and grouped for concurrent requests (`statementBatch`), with the
 * batch settings they run at. The store (`refresh-tokens.ts`) runs them and reads the results.
 */
import { and, eq, exists, getTableColumns, gt, isNull, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { refreshTokenFamilies } from '../schema/refresh-token-families.js';
import { users } from '../schema/users.js';
import { arrayPlaceholder, placeholder } from './placeholders.js';

/** A rotation request's values as SQL: placeholders of one request, or columns of a batch's row. */
interface RotationValues {
  familyId: SQL | Placeholder;
  generation: SQL | Placeholder;
  oldHash: SQL | Placeholder;
  nextHash: SQL;
  keyHash: SQL;
  clientId: SQL | Placeholder;
  now: SQL;
  /** The requested scopes as a `text[]`. */
  requestedScopes: SQL;
}

/**
 * The rotation, written once for the single and the grouped statement: the family's row moves
 * one generation on (SET), only if the presented token is its current one and core's
 * `refreshRefusal` finds nothing against it (WHERE: the caller's, unrevoked, unexpired, covering
 * the requested scopes, its user active; SEC-80).
 */
function rotation(db: Db, r: RotationValues) {
  const f = refreshTokenFamilies;
  return {
    set: {
      tokenHash: r.nextHash,
      previousHash: sql`${f.tokenHash}`,
      generation: sql`${f.generation} + 1`,
      keyHash: r.keyHash,
      rotatedAt: r.now,
    },
    where: and(
      eq(f.id, r.familyId),
      eq(f.generation, r.generation),
      eq(f.tokenHash, r.oldHash),
      isNull(f.revokedAt),
      eq(f.clientId, r.clientId),
      gt(f.expiresAt, r.now),
      sql`${f.scopes} @> ${r.requestedScopes}`,
      exists(
        db
          .select({ one: sql`1` })
          .from(users)
          .where(and(eq(users.id, f.userId), eq(users.status, 'active'))),
      ),
    ),
  };
}

/**
 * The refresh grant in one statement: an in-place update of the family's narrow row (see
 * `rotation`). No indexed column changes, so Postgres updates the row in place (HOT). Row
 * locking makes concurrent rotations queue up; the losers re-check `generation` and match nothing.
 */
export function prepareRotate(db: Db) {
  const f = refreshTokenFamilies;
  const { set, where } = rotation(db, {
    familyId: sql.placeholder('familyId'),
    generation: sql.placeholder('generation'),
    oldHash: sql.placeholder('oldHash'),
    nextHash: sql`${sql.placeholder('nextHash')}`,
    keyHash: sql`${sql.placeholder('keyHash')}`,
    clientId: sql.placeholder('clientId'),
    now: sql`${placeholder('now', f.rotatedAt)}`,
    requestedScopes: sql`${placeholder('requestedScopes', f.scopes)}::text[]`,
  });
  return db.update(f).set(set).where(where).returning().prepare('refresh_token_families_rotate');
}

/**
 * The same rotation for many requests in one statement (see `statementBatch`): each request is
 * one row of the `unnest`, matched to its family by the same `rotation`, and the rows that
 * rotated come back with their request's index. Two requests for one family in a batch update
 * it once: the other finds no row and is refused, as a loser of the race is today. Callers sort
 * a batch by family id, so batches lock rows in one order.
 */
export function prepareRotateMany(db: Db) {
  const f = refreshTokenFamilies;
  const p = arrayPlaceholder;
  const requests = sql`unnest(${p('index', 'int')}, ${p('familyId', 'text')}, ${p('generation', 'int')},
    ${p('oldHash', 'text')}, ${p('nextHash', 'text')}, ${p('keyHash', 'text')}, ${p('clientId', 'int')},
    ${p('requestedScopes', 'text')}, ${p('now', 'text')})
    AS r(r_index, r_family_id, r_generation, r_old_hash, r_next_hash, r_key_hash, r_client_id, r_scopes, r_now)`;
  const { set, where } = rotation(db, {
    familyId: sql`r_family_id`,
    generation: sql`r_generation`,
    oldHash: sql`r_old_hash`,
    nextHash: sql`r_next_hash`,
    keyHash: sql`r_key_hash`,
    clientId: sql`r_client_id`,
    now: sql`r_now::timestamptz`,
    // Scope tokens never hold a space (RFC 6749 §3.3), so a space-joined list is lossless.
    requestedScopes: sql`string_to_array(r_scopes, ' ')`,
  });
  return db
    .update(f)
    .set(set)
    .from(requests)
    .where(where)
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
export const ROTATION_BATCH = { maxInFlight: 1, maxBatch: 64 };

/** New families: half the pool of 8, so a lone statement always finds a connection. */
export const CREATION_BATCH = { maxInFlight: 4, maxBatch: 64 };

/** The first token of a family, stored only while its user is active: one statement, no read first. */
export function prepareCreateForActiveUser(db: Db) {
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

/**
 * The first tokens of many families in one statement, each stored only while its user is active
 * (the batched `prepareCreateForActiveUser`); the ids that were stored come back.
 */
export function prepareCreateManyForActiveUsers(db: Db) {
  const f = refreshTokenFamilies;
  const p = arrayPlaceholder;
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
