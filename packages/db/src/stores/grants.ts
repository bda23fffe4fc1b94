import type { Allowance, Grant, GrantStore, NewAuditEvent } from '@gatehouse/core';
import { grantRevokedEventData } from '@gatehouse/core/webhooks';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { grants } from '../schema/grants.js';
import { insertAuditEvent } from './audit.js';
import { scopeSet } from './scopes.js';
import { recordEventInTransaction } from './webhooks.js';

type GrantRow = typeof grants.$inferSelect;

function toGrant(row: GrantRow): Grant {
  return {
    userId: row.userId,
    clientId: row.clientId,
    scopes: row.scopes,
    allowance:
      row.chargeLimit !== null && row.chargePeriod !== null && row.scopes.includes('charge')
        ? { limit: row.chargeLimit, period: row.chargePeriod }
        : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The consent merge in one statement, on its own or inside its audit record's transaction. */
async function upsert(
  db: Db | Tx,
  userId: number,
  clientId: number,
  scopes: string[],
  chosen: Allowance | null,
): Promise<Grant> {
  const [row] = await db
    .insert(grants)
    .values({
      userId,
      clientId,
      scopes: scopeSet(scopes),
      chargeLimit: chosen?.limit ?? null,
      chargePeriod: chosen?.period ?? null,
    })
    .onConflictDoUpdate({
      target: [grants.userId, grants.clientId],
      // Merged in the statement, so two concurrent consents cannot drop each other's scopes.
      // SEC-88: an allowance already stored wins over the new consent's (limit and period
      // move together; the table's check keeps them both set or both null).
      set: {
        scopes: sql`array(select distinct s from unnest(${grants.scopes} || excluded.scopes) as s order by s)`,
        chargeLimit: sql`CASE WHEN ${grants.chargeLimit} IS NULL THEN excluded.charge_limit ELSE ${grants.chargeLimit} END`,
        chargePeriod: sql`CASE WHEN ${grants.chargeLimit} IS NULL THEN excluded.charge_period ELSE ${grants.chargePeriod} END`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return toGrant(row!);
}

export function createGrantStore(db: Db): GrantStore {
  const find = db
    .select()
    .from(grants)
    .where(
      and(eq(grants.userId, sql.placeholder('userId')), eq(grants.clientId, sql.placeholder('clientId'))),
    )
    .prepare('grants_find');

  return translateErrors({
    async find(userId: number, clientId: number): Promise<Grant | null> {
      const [row] = await find.execute({ userId, clientId });
      return row ? toGrant(row) : null;
    },

    async upsert(
      userId: number,
      clientId: number,
      scopes: string[],
      allowance?: Allowance | null,
      audit?: (grant: Grant) => NewAuditEvent,
    ): Promise<Grant> {
      if (!audit) return upsert(db, userId, clientId, scopes, allowance ?? null);
      // The consent and its audit record: one transaction (core's audit policy).
      return db.transaction(async (tx) => {
        const grant = await upsert(tx, userId, clientId, scopes, allowance ?? null);
        await insertAuditEvent(tx, audit(grant));
        return grant;
      });
    },

    async listByUser(userId: number): Promise<Grant[]> {
      const rows = await db
        .select()
        .from(grants)
        .where(eq(grants.userId, userId))
        .orderBy(asc(grants.createdAt), asc(grants.clientId));
      return rows.map(toGrant);
    },

    async delete(userId: number, clientId: number, now = new Date()): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .delete(grants)
          .where(and(eq(grants.userId, userId), eq(grants.clientId, clientId)))
          .returning({ userId: grants.userId });
        if (rows.length === 0) return false;
        await recordEventInTransaction(tx, {
          clientId,
          type: 'grant.revoked',
          data: grantRevokedEventData(userId, 'disconnected'),
          createdAt: now,
        });
        return true;
      });
    },
  });
}
