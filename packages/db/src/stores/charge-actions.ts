import type {
  Charge,
  ChargeAction,
  ChargeActionResult,
  ChargeStore,
  IdempotentRequest,
} from '@gatehouse/core';
import {
  captureMovements,
  decideCapture,
  decideRefund,
  decideRelease,
  refundMovements,
  releaseMovements,
} from '@gatehouse/core/charges';
import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { chargeRefunds, charges } from '../schema/charges.js';
import { Refused, runMovement } from './charge-idempotency.js';
import { finish, lockCharge, settle } from './charge-movements.js';
import { type Render, toCharge } from './charge-rows.js';

type CaptureAction = Parameters<ChargeStore['capture']>[0];
type RefundAction = Parameters<ChargeStore['refund']>[0];

/** Cancel (by the client) or expiry (by the system, `clientId` null) of a hold. */
export async function releaseCharge(
  db: Db,
  action: ChargeAction,
  idempotency: IdempotentRequest | null,
  render: Render,
): Promise<ChargeActionResult> {
  return runMovement<ChargeActionResult>(db, idempotency, async (tx) => {
    const row = await lockCharge(tx, action);
    const decision = decideRelease(row);
    if (decision.kind !== 'ok') throw new Refused(decision);
    const done = await settle(
      tx,
      row,
      { status: 'canceled', holdExpiresAt: null, updatedAt: action.now },
      releaseMovements(decision.release),
      action.clientId === null ? 'system' : `client:${row.clientId}`,
    );
    const outcome = { charge: toCharge(done.charge), balance: done.balance, used: done.used };
    return {
      kind: 'done',
      outcome,
      response: await finish(outcome, idempotency, render, tx, 'charge.canceled'),
    };
  });
}

export async function captureCharge(
  db: Db,
  action: CaptureAction,
  idempotency: IdempotentRequest | null,
  render: Render,
): Promise<ChargeActionResult> {
  return runMovement<ChargeActionResult>(db, idempotency, async (tx) => {
    const row = await lockCharge(tx, action);
    const decision = decideCapture(row, action.amount, action.now);
    if (decision.kind !== 'ok') throw new Refused(decision);
    const done = await settle(
      tx,
      row,
      {
        status: 'succeeded',
        capturedAmount: decision.capture,
        holdExpiresAt: null,
        updatedAt: action.now,
      },
      captureMovements(decision.capture, decision.release),
      `client:${row.clientId}`,
    );
    const outcome = { charge: toCharge(done.charge), balance: done.balance, used: done.used };
    return {
      kind: 'done',
      outcome,
      response: await finish(outcome, idempotency, render, tx, 'charge.captured'),
    };
  });
}

export async function refundCharge(
  db: Db,
  action: RefundAction,
  idempotency: IdempotentRequest | null,
  render: Render,
): Promise<ChargeActionResult> {
  return runMovement<ChargeActionResult>(db, idempotency, async (tx) => {
    const row = await lockCharge(tx, action);
    const decision = decideRefund(row, action.amount);
    if (decision.kind !== 'ok') throw new Refused(decision);
    const [refund] = await tx
      .insert(chargeRefunds)
      .values({
        id: action.refundId,
        chargeId: row.id,
        amount: decision.amount,
        reason: action.reason,
        actor: action.actor,
        createdAt: action.now,
      })
      .returning();
    const done = await settle(
      tx,
      row,
      { refundedAmount: row.refundedAmount + decision.amount, updatedAt: action.now },
      refundMovements(decision.amount),
      action.actor,
    );
    const outcome = {
      charge: toCharge(done.charge),
      balance: done.balance,
      used: done.used,
      refund: refund!,
    };
    return {
      kind: 'done',
      outcome,
      response: await finish(outcome, idempotency, render, tx, 'charge.refunded'),
    };
  });
}

export async function releaseExpired(db: Db, now: Date, limit = 100): Promise<Charge[]> {
  const due = await db
    .select({ id: charges.id })
    .from(charges)
    .where(and(eq(charges.status, 'held'), lte(charges.holdExpiresAt, now)))
    .limit(limit);
  const released: Charge[] = [];
  for (const { id } of due) {
    // Each its own transaction; one a client captured meanwhile is simply not held any more.
    const result = await releaseCharge(db, { chargeId: id, clientId: null, now }, null, () => ({
      status: 200,
      body: null,
    }));
    if (result.kind === 'done') released.push(result.outcome.charge);
  }
  return released;
}
