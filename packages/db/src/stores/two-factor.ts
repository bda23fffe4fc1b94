import type { TotpFactor, TwoFactorStatus, TwoFactorStore } from '@gatehouse/core';
import { and, count, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { recoveryCodes, userTotp } from '../schema/two-factor.js';

export function createTwoFactorStore(db: Db): TwoFactorStore {
  return translateErrors({
    async beginTotp(userId, encryptedSecret, now): Promise<boolean> {
      // One statement: a confirmed factor is never overwritten, an unconfirmed one is.
      const rows = await db
        .insert(userTotp)
        .values({ userId, encryptedSecret, createdAt: now })
        .onConflictDoUpdate({
          target: userTotp.userId,
          set: { encryptedSecret, createdAt: now, lastUsedStep: null },
          setWhere: isNull(userTotp.confirmedAt),
        })
        .returning({ userId: userTotp.userId });
      return rows.length === 1;
    },

    async findTotp(userId): Promise<TotpFactor | null> {
      const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId));
      return row ?? null;
    },

    async confirmTotp(userId, step, recoveryCodeHashes, now): Promise<boolean> {
      return db.transaction(async (tx) => {
        const confirmed = await tx
          .update(userTotp)
          .set({ confirmedAt: now, lastUsedStep: step })
          .where(and(eq(userTotp.userId, userId), isNull(userTotp.confirmedAt)))
          .returning({ userId: userTotp.userId });
        if (confirmed.length === 0) return false;
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
        if (recoveryCodeHashes.length > 0) {
          await tx
            .insert(recoveryCodes)
            .values(recoveryCodeHashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
        }
        return true;
      });
    },

    async useTotpStep(userId, step): Promise<boolean> {
      // Conditional UPDATE: of two sign-ins with one code, only one sees the older step.
      const rows = await db
        .update(userTotp)
        .set({ lastUsedStep: step })
        .where(
          and(
            eq(userTotp.userId, userId),
            isNotNull(userTotp.confirmedAt),
            or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, step)),
          ),
        )
        .returning({ userId: userTotp.userId });
      return rows.length === 1;
    },

    async useRecoveryCode(userId, codeHash, now): Promise<boolean> {
      const rows = await db
        .update(recoveryCodes)
        .set({ usedAt: now })
        .where(
          and(
            eq(recoveryCodes.userId, userId),
            eq(recoveryCodes.codeHash, codeHash),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ id: recoveryCodes.id });
      return rows.length === 1;
    },

    async status(userId): Promise<TwoFactorStatus> {
      const [totp] = await db
        .select({ userId: userTotp.userId })
        .from(userTotp)
        .where(and(eq(userTotp.userId, userId), isNotNull(userTotp.confirmedAt)));
      const [left] = await db
        .select({ n: count() })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
      return { totp: totp !== undefined, recoveryCodesLeft: totp ? Number(left?.n ?? 0) : 0 };
    },

    async remove(userId): Promise<boolean> {
      return db.transaction(async (tx) => {
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
        const rows = await tx
          .delete(userTotp)
          .where(eq(userTotp.userId, userId))
          .returning({ userId: userTotp.userId });
        return rows.length === 1;
      });
    },
  });
}
