import type { LedgerEntry, NewTopupBatch, RedeemResult, TopupCodeStore } from '@gatehouse/core';
import { topupCredit, topupRefusal } from '@gatehouse/core/accounts';
import { topupEventData } from '@gatehouse/core/webhooks';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { DatabaseError, translateErrors } from '../errors.js';
import { balances } from '../schema/balances.js';
import { topupCodes } from '../schema/topup-codes.js';
import {
  balanceChangeStatement,
  balanceChangeValues,
  passesBalanceLimit,
  toBalance,
  toEntry,
} from './balance-change.js';
import { recordEventInTransaction } from './webhooks.js';

/** Thrown inside the redemption transaction to roll the code back when its credit is over the cap. */
class OverBalanceLimit extends Error {}

export function createTopupCodeStore(db: Db): TopupCodeStore {
  return translateErrors({
    async createBatch(batch: NewTopupBatch): Promise<void> {
      if (batch.codeHashes.length === 0) return;
      await db.insert(topupCodes).values(
        batch.codeHashes.map((codeHash) => ({
          codeHash,
          batchId: batch.batchId,
          quota: batch.quota,
          expiresAt: batch.expiresAt,
          createdBy: batch.createdBy,
        })),
      );
    },

    async redeem(
      codeHash: string,
      userId: number,
      now: Date,
      fromClientId: number | null = null,
    ): Promise<RedeemResult> {
      let entry: LedgerEntry | null;
      try {
        entry = await redeemInTransaction(codeHash, userId, now, fromClientId);
      } catch (error) {
        if (error instanceof OverBalanceLimit) return { kind: 'balance_limit' };
        throw error;
      }
      if (entry) return { kind: 'redeemed', entry };

      // Only a refused redemption pays for a second round trip: core names the reason.
      const [code] = await db
        .select({ redeemedAt: topupCodes.redeemedAt, expiresAt: topupCodes.expiresAt })
        .from(topupCodes)
        .where(eq(topupCodes.codeHash, codeHash));
      // Null only if the row changed between the two statements (reset by hand): nothing was
      // redeemed, and its credit is keyed by the code, so it stands as used.
      return { kind: topupRefusal(code, now) ?? 'used' };
    },
  });

  function redeemInTransaction(codeHash: string, userId: number, now: Date, fromClientId: number | null) {
    return db.transaction(async (tx) => {
      // Core's `topupRefusal` as one statement: unused and unexpired at `now`. The row lock
      // taken here makes concurrent redeemers wait; after the winner commits they re-check
      // `redeemed_at IS NULL` and match nothing.
      const [code] = await tx
        .update(topupCodes)
        .set({ redeemedAt: now, redeemedBy: userId })
        .where(
          and(
            eq(topupCodes.codeHash, codeHash),
            isNull(topupCodes.redeemedAt),
            or(isNull(topupCodes.expiresAt), gt(topupCodes.expiresAt, now)),
          ),
        )
        .returning({ quota: topupCodes.quota, batchId: topupCodes.batchId });
      if (!code) return null;
      const [row] = await balanceChangeStatement(tx).execute(
        balanceChangeValues({
          userId,
          amount: code.quota,
          kind: 'topup',
          ...topupCredit(codeHash, code.batchId),
        }),
      );
      // A credit cannot overdraw: nothing returned means the cap (SEC-32), no balance
      // row, or a code that already credited. Throwing rolls the redemption back.
      if (!row) {
        const [balance] = await tx.select().from(balances).where(eq(balances.userId, userId));
        if (balance && passesBalanceLimit(toBalance(balance), { amount: code.quota })) {
          throw new OverBalanceLimit();
        }
        throw new DatabaseError('top-up credit refused', undefined);
      }
      const entry = toEntry(row);
      if (fromClientId !== null) {
        await recordEventInTransaction(tx, {
          clientId: fromClientId,
          type: 'topup.completed',
          data: topupEventData(userId, entry.amount, entry.balanceAfter),
          createdAt: now,
          grantOf: userId,
        });
      }
      return entry;
    });
  }
}
