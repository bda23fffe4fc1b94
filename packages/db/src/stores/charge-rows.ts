import type { Charge, HeldBalance, MovementOutcome, StoredResponse } from '@gatehouse/core';
import type { Db } from '../connection.js';
import type { balances } from '../schema/balances.js';
import type { charges } from '../schema/charges.js';

/** The transaction handle every statement of a movement runs on. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type ChargeRow = typeof charges.$inferSelect;
type BalanceRow = typeof balances.$inferSelect;

/** Builds the response stored with the idempotency key, in the movement's transaction. */
export type Render = (outcome: MovementOutcome) => StoredResponse;

export function toCharge(row: ChargeRow): Charge {
  return {
    id: row.id,
    userId: row.userId,
    clientId: row.clientId,
    status: row.status,
    amount: row.amount,
    capturedAmount: row.capturedAmount,
    refundedAmount: row.refundedAmount,
    description: row.description,
    reference: row.reference,
    periodStart: row.periodStart,
    holdExpiresAt: row.holdExpiresAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toHeldBalance(row: BalanceRow): HeldBalance {
  return {
    userId: row.userId,
    quota: row.quota,
    usedQuota: row.usedQuota,
    held: row.held,
    updatedAt: row.updatedAt,
  };
}
