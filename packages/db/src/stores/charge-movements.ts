import {
  type ChargeAction,
  type HeldBalance,
  type IdempotentRequest,
  MAX_BALANCE,
  type MovementOutcome,
} from '@gatehouse/core';
import { type Movement, sumMovements } from '@gatehouse/core/charges';
import { type ChargeEventType, chargeEventData } from '@gatehouse/core/webhooks';
import { and, eq, sql } from 'drizzle-orm';
import { balances } from '../schema/balances.js';
import { charges, chargeUsage } from '../schema/charges.js';
import { ledgerEntries } from '../schema/ledger.js';
import { Refused, storeResponse } from './charge-idempotency.js';
import { currentUsage } from './charge-reads.js';
import { type ChargeRow, type Render, type Tx, toHeldBalance } from './charge-rows.js';
import { recordEventInTransaction } from './webhooks.js';

const MAX = sql.raw(`${MAX_BALANCE.toString()}::bigint`);

/** The balance update for a set of movements: conditional, so it never goes below zero. */
export async function moveBalance(tx: Tx, userId: number, moves: Movement[]): Promise<HeldBalance | null> {
  const sum = sumMovements(moves);
  const [row] = await tx
    .update(balances)
    .set({
      quota: sql`${balances.quota} + ${sum.availableChange.toString()}::bigint`,
      held: sql`${balances.held} + ${sum.heldChange.toString()}::bigint`,
      usedQuota: sql`${balances.usedQuota} + ${sum.spentChange.toString()}::bigint`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(balances.userId, userId),
        sql`${balances.quota} + ${sum.availableChange.toString()}::bigint >= 0`,
        sql`${balances.quota} + ${sum.availableChange.toString()}::bigint <= ${MAX}`,
        sql`${balances.held} + ${sum.heldChange.toString()}::bigint >= 0`,
        sql`${balances.usedQuota} + ${sum.spentChange.toString()}::bigint <= ${MAX}`,
      ),
    )
    .returning();
  return row ? toHeldBalance(row) : null;
}

/** Usage of a period goes back down (release, refund): never below zero by the table's check. */
async function moveUsage(tx: Tx, charge: ChargeRow, change: bigint): Promise<bigint> {
  const [row] = await tx
    .update(chargeUsage)
    .set({ used: sql`${chargeUsage.used} + ${change.toString()}::bigint` })
    .where(
      and(
        eq(chargeUsage.userId, charge.userId),
        eq(chargeUsage.clientId, charge.clientId),
        eq(chargeUsage.periodStart, charge.periodStart),
      ),
    )
    .returning({ used: chargeUsage.used });
  return row?.used ?? 0n;
}

export async function writeLedger(
  tx: Tx,
  charge: ChargeRow,
  moves: Movement[],
  after: HeldBalance,
  actor: string,
) {
  // balance_after of each row: the final balance less the changes that come after it.
  let balanceAfter = after.quota;
  const rows = [...moves].reverse().map((move) => {
    const row = {
      userId: charge.userId,
      amount: move.availableChange,
      heldChange: move.heldChange,
      kind: move.kind,
      clientId: charge.clientId,
      chargeId: charge.id,
      reference: charge.reference,
      actor,
      balanceAfter,
    };
    balanceAfter -= move.availableChange;
    return row;
  });
  await tx.insert(ledgerEntries).values(rows.reverse());
}

export async function lockCharge(tx: Tx, action: ChargeAction): Promise<ChargeRow> {
  const [row] = await tx
    .select()
    .from(charges)
    .where(
      and(
        eq(charges.id, action.chargeId),
        action.clientId === null ? undefined : eq(charges.clientId, action.clientId),
      ),
    )
    .for('update');
  if (!row) throw new Refused({ kind: 'not_found' });
  return row;
}

/** Applies movements to a locked charge and its balance, usage and ledger. */
export async function settle(
  tx: Tx,
  row: ChargeRow,
  update: Partial<ChargeRow>,
  moves: Movement[],
  actor: string,
): Promise<{ charge: ChargeRow; balance: HeldBalance; used: bigint }> {
  const [charge] = await tx
    .update(charges)
    .set({ ...update, updatedAt: update.updatedAt ?? new Date() })
    .where(eq(charges.id, row.id))
    .returning();
  // Usage before balance, the order `create` takes its row locks in: no deadlock between them.
  const usageChange = sumMovements(moves).usageChange;
  const used =
    usageChange === 0n
      ? await currentUsage(tx, row.userId, row.clientId, row.periodStart)
      : await moveUsage(tx, row, usageChange);
  const balance = await moveBalance(tx, row.userId, moves);
  if (!balance) throw new Refused({ kind: 'balance_limit' });
  await writeLedger(tx, charge!, moves, balance, actor);
  return { charge: charge!, balance, used };
}

/** Stores the response with the key and writes the webhook event: same transaction as the movement. */
export async function finish(
  outcome: MovementOutcome,
  idempotency: IdempotentRequest | null,
  render: Render,
  tx: Tx,
  event: ChargeEventType,
) {
  const response = render(outcome);
  await storeResponse(tx, idempotency, response);
  await recordEventInTransaction(tx, {
    clientId: outcome.charge.clientId,
    type: event,
    data: chargeEventData(outcome.charge, outcome.refund),
    createdAt: outcome.charge.updatedAt,
  });
  return response;
}
