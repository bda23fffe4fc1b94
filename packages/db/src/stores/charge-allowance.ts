import type { Allowance } from '@gatehouse/core';
import { allowanceEventData } from '@gatehouse/core/webhooks';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { grants } from '../schema/grants.js';
import type { Tx } from './charge-rows.js';
import { recordEventInTransaction } from './webhooks.js';

export async function getAllowance(db: Db, userId: number, clientId: number): Promise<Allowance | null> {
  const [row] = await db
    .select({ limit: grants.chargeLimit, period: grants.chargePeriod, scopes: grants.scopes })
    .from(grants)
    .where(and(eq(grants.userId, userId), eq(grants.clientId, clientId)));
  if (!row || row.limit === null || row.period === null || !row.scopes.includes('charge')) return null;
  return { limit: row.limit, period: row.period };
}

/** The grant's allowance as the user set it (null: `charge` leaves the grant); true when changed. */
async function updateAllowance(tx: Tx, userId: number, clientId: number, allowance: Allowance | null) {
  const rows = await tx
    .update(grants)
    .set(
      allowance
        ? { chargeLimit: allowance.limit, chargePeriod: allowance.period, updatedAt: new Date() }
        : {
            chargeLimit: null,
            chargePeriod: null,
            scopes: sql`array_remove(${grants.scopes}, 'charge')`,
            updatedAt: new Date(),
          },
    )
    .where(
      and(
        eq(grants.userId, userId),
        eq(grants.clientId, clientId),
        allowance ? sql`'charge' = ANY(${grants.scopes})` : undefined,
      ),
    )
    .returning({ userId: grants.userId });
  return rows.length > 0;
}

/** The change and the app's `allowance.changed` event: one transaction. */
export async function setAllowance(
  db: Db,
  userId: number,
  clientId: number,
  allowance: Allowance | null,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const changed = await updateAllowance(tx, userId, clientId, allowance);
    if (changed) {
      await recordEventInTransaction(tx, {
        clientId,
        type: 'allowance.changed',
        data: allowanceEventData(userId, allowance),
        createdAt: now,
      });
    }
    return changed;
  });
}
