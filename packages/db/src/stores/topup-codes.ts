import type { NewTopupBatch, RedeemResult, TopupCodeStore } from '@gatehouse/core';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { DatabaseError, translateErrors } from '../errors.js';
import { topupCodes } from '../schema/topup-codes.js';
import { balanceChangeStatement, balanceChangeValues, toEntry } from './balance-change.js';

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

    async redeem(codeHash: string, userId: number, now: Date): Promise<RedeemResult> {
      const entry = await db.transaction(async (tx) => {
        // The row lock taken here makes concurrent redeemers wait; after the winner
        // commits they re-check `redeemed_at IS NULL` and match nothing.
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
            reference: code.batchId,
            // Keyed by the code: even a code whose row was reset by hand cannot credit twice.
            idempotencyKey: `topup:${codeHash}`,
            actor: `topup-code:${code.batchId}`,
          }),
        );
        // A credit cannot overdraw: nothing returned means no balance row or a code that
        // already credited. Throwing rolls the redemption back.
        if (!row) throw new DatabaseError('top-up credit refused', undefined);
        return toEntry(row);
      });
      if (entry) return { kind: 'redeemed', entry };

      const [code] = await db
        .select({ redeemedAt: topupCodes.redeemedAt, expiresAt: topupCodes.expiresAt })
        .from(topupCodes)
        .where(eq(topupCodes.codeHash, codeHash));
      if (!code) return { kind: 'not_found' };
      return code.redeemedAt ? { kind: 'used' } : { kind: 'expired' };
    },
  });
}
