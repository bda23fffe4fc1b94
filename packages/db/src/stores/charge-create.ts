import type { CreateChargeResult, IdempotentRequest, NewCharge } from '@gatehouse/core';
import { chargeMovements } from '@gatehouse/core/charges';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { charges, chargeUsage } from '../schema/charges.js';
import { grants } from '../schema/grants.js';
import { Refused, runMovement } from './charge-idempotency.js';
import { finish, moveBalance, writeLedger } from './charge-movements.js';
import { currentUsage, getBalance } from './charge-reads.js';
import { type Render, toCharge } from './charge-rows.js';

/** A charge or a hold: allowance usage, balance, charge row, ledger rows and key in one transaction. */
export async function createCharge(
  db: Db,
  charge: NewCharge,
  idempotency: IdempotentRequest,
  render: Render,
): Promise<CreateChargeResult> {
  const moves = chargeMovements(charge.amount, charge.capture);
  const result = await runMovement<CreateChargeResult>(db, idempotency, async (tx) => {
    // SEC-89: the allowance check and the usage increase are one statement, conditioned on
    // the grant as it is now (scope, period, limit), so parallel charges cannot pass it.
    const amount = sql`${charge.amount.toString()}::bigint`;
    const grantNow = and(
      eq(grants.userId, charge.userId),
      eq(grants.clientId, charge.clientId),
      sql`'charge' = ANY(${grants.scopes})`,
      eq(grants.chargePeriod, charge.allowance.period),
    );
    const [usage] = await tx
      .insert(chargeUsage)
      .select(
        tx
          .select({
            userId: grants.userId,
            clientId: grants.clientId,
            periodStart: sql`${charge.periodStart.toISOString()}::timestamptz`.as('period_start'),
            used: amount.as('used'),
          })
          .from(grants)
          .where(and(grantNow, sql`${grants.chargeLimit} >= ${amount}`)),
      )
      .onConflictDoUpdate({
        target: [chargeUsage.userId, chargeUsage.clientId, chargeUsage.periodStart],
        set: { used: sql`${chargeUsage.used} + excluded.used` },
        setWhere: sql`${chargeUsage.used} + excluded.used <= (SELECT ${grants.chargeLimit} FROM ${grants} WHERE ${grantNow})`,
      })
      .returning({ used: chargeUsage.used });
    if (!usage) throw new Refused({ kind: 'allowance_exceeded', used: 0n });
    // SEC-89: the balance never goes below zero; the same statement takes it.
    const balance = await moveBalance(tx, charge.userId, moves);
    if (!balance) throw new Refused({ kind: 'insufficient_balance', balance: null });
    const [row] = await tx
      .insert(charges)
      .values({
        id: charge.id,
        userId: charge.userId,
        clientId: charge.clientId,
        status: charge.capture ? 'succeeded' : 'held',
        amount: charge.amount,
        capturedAmount: charge.capture ? charge.amount : 0n,
        description: charge.description,
        reference: charge.reference,
        periodStart: charge.periodStart,
        holdExpiresAt: charge.capture ? null : charge.holdExpiresAt,
        createdAt: charge.now,
        updatedAt: charge.now,
      })
      .returning();
    await writeLedger(tx, row!, moves, balance, `client:${charge.clientId}`);
    const outcome = { charge: toCharge(row!), balance, used: usage.used };
    return {
      kind: 'created',
      outcome,
      response: await finish(
        outcome,
        idempotency,
        render,
        tx,
        outcome.charge.status === 'held' ? 'charge.held' : 'charge.succeeded',
      ),
    };
  });
  // Explain a refusal with the state after the rollback.
  if (result.kind === 'allowance_exceeded') {
    return {
      kind: 'allowance_exceeded',
      used: await currentUsage(db, charge.userId, charge.clientId, charge.periodStart),
    };
  }
  if (result.kind === 'insufficient_balance') {
    const balance = await getBalance(db, charge.userId);
    return { kind: 'insufficient_balance', balance: balance! };
  }
  return result;
}
