import type { RetentionKind, RetentionStore } from '@gatehouse/core';
import { and, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { auditEvents } from '../schema/audit-events.js';
import { idempotencyKeys } from '../schema/charges.js';
import { emailTokens } from '../schema/email-tokens.js';
import { refreshTokenFamilies, refreshTokenLegacyHashes } from '../schema/refresh-token-families.js';
import { webhookEvents } from '../schema/webhooks.js';

const f = refreshTokenFamilies;
const familyEnded = (before: Date) => or(lt(f.expiresAt, before), lt(f.revokedAt, before));

/**
 * The retention job's deletes (SEC-96). Each call is one `DELETE … WHERE key IN (SELECT … LIMIT n
 * FOR UPDATE SKIP LOCKED)` — its own autocommit transaction, locking at most `n` rows for the
 * moment it runs and skipping any row a request holds, so it never waits on the request path.
 * Every selection is served by an index on its cut-off column (refresh families: expires_at and
 * the partial revoked_at; audit events: created_at; idempotency keys: created_at); e-mail links
 * and webhook events are scanned, as retention keeps both tables to days and weeks of rows.
 */
export function createRetentionStore(db: Db): RetentionStore {
  /** The one batch shape for a table keyed by a single column. */
  const deleteBatch = (table: PgTable, key: PgColumn, where: SQL | undefined, limit: number) =>
    db
      .delete(table)
      .where(
        inArray(
          key,
          db.select({ key }).from(table).where(where).limit(limit).for('update', { skipLocked: true }),
        ),
      )
      .returning({ key });

  const deleters: Record<RetentionKind, (before: Date, limit: number) => Promise<unknown[]>> = {
    refreshTokenLegacyHashes: (before, limit) =>
      db
        .delete(refreshTokenLegacyHashes)
        .where(
          inArray(
            refreshTokenLegacyHashes.tokenHash,
            db
              .select({ tokenHash: refreshTokenLegacyHashes.tokenHash })
              .from(refreshTokenLegacyHashes)
              .innerJoin(f, eq(f.id, refreshTokenLegacyHashes.familyId))
              .where(familyEnded(before))
              .limit(limit)
              .for('update', { of: refreshTokenLegacyHashes, skipLocked: true }),
          ),
        )
        .returning({ key: refreshTokenLegacyHashes.tokenHash }),
    refreshTokenFamilies: (before, limit) => deleteBatch(f, f.id, familyEnded(before), limit),
    emailTokens: (before, limit) =>
      deleteBatch(
        emailTokens,
        emailTokens.id,
        or(lt(emailTokens.usedAt, before), lt(emailTokens.expiresAt, before)),
        limit,
      ),
    idempotencyKeys: (before, limit) =>
      db
        .delete(idempotencyKeys)
        // The key is (scope, key): the same key string in another scope is another record.
        .where(
          sql`(${idempotencyKeys.scope}, ${idempotencyKeys.key}) in ${db
            .select({ scope: idempotencyKeys.scope, key: idempotencyKeys.key })
            .from(idempotencyKeys)
            .where(lt(idempotencyKeys.createdAt, before))
            .limit(limit)
            .for('update', { skipLocked: true })}`,
        )
        .returning({ key: idempotencyKeys.key }),
    webhookEvents: (before, limit) =>
      deleteBatch(
        webhookEvents,
        webhookEvents.id,
        and(inArray(webhookEvents.status, ['succeeded', 'failed']), lt(webhookEvents.createdAt, before)),
        limit,
      ),
    auditEvents: (before, limit) =>
      deleteBatch(auditEvents, auditEvents.id, lt(auditEvents.createdAt, before), limit),
  };
  return translateErrors({
    async deleteEnded(kind: RetentionKind, before: Date, limit: number): Promise<number> {
      return (await deleters[kind](before, limit)).length;
    },
  });
}
