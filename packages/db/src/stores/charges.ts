import {
  type Allowance,
  type Charge,
  type ChargeAction,
  type ChargeActionResult,
  type ChargeRefund,
  type ChargeStore,
  type CreateChargeResult,
  type HeldBalance,
  type IdempotentRequest,
  type LedgerMismatch,
  MAX_BALANCE,
  type MovementOutcome,
  type NewCharge,
  type Replay,
  type StoredResponse,
} from '@gatehouse/core';
import {
  captureMovements,
  chargeMovements,
  decideCapture,
  decideRefund,
  decideRelease,
  type Movement,
  refundMovements,
  releaseMovements,
  sumMovements,
} from '@gatehouse/core/charges';
import { allowanceEventData, type ChargeEventType, chargeEventData } from '@gatehouse/core/webhooks';
import { and, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { balances } from '../schema/balances.js';
import { chargeRefunds, charges, chargeUsage, idempotencyKeys } from '../schema/charges.js';
import { grants } from '../schema/grants.js';
import { ledgerEntries } from '../schema/ledger.js';
import { recordEventInTransaction } from './webhooks.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type ChargeRow = typeof charges.$inferSelect;

function toCharge(row: ChargeRow): Charge {
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

/** Thrown inside a transaction to roll it back with the reason nothing may be written. */
class Refused<T> extends Error {
  constructor(readonly result: T) {
    super('refused');
  }
}

/** The key was taken by an earlier (committed) request: leave the transaction, then look. */
class KeyTaken extends Error {}

const MAX = sql.raw(`${MAX_BALANCE.toString()}::bigint`);

export function createChargeStore(db: Db): ChargeStore {
  /** SEC-92: claims the key first; a concurrent twin waits here on the primary key until we commit. */
  async function claimKey(tx: Tx, idempotency: IdempotentRequest | null) {
    if (!idempotency) return;
    const [claimed] = await tx
      .insert(idempotencyKeys)
      .values({ scope: idempotency.scope, key: idempotency.key, fingerprint: idempotency.fingerprint })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (!claimed) throw new KeyTaken();
  }

  async function storeResponse(tx: Tx, idempotency: IdempotentRequest | null, response: StoredResponse) {
    if (!idempotency) return;
    await tx
      .update(idempotencyKeys)
      .set({ status: response.status, response: response.body as never })
      .where(and(eq(idempotencyKeys.scope, idempotency.scope), eq(idempotencyKeys.key, idempotency.key)));
  }

  async function replayOf(idempotency: IdempotentRequest): Promise<Replay> {
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, idempotency.scope), eq(idempotencyKeys.key, idempotency.key)));
    if (!row || row.fingerprint !== idempotency.fingerprint || row.status === null) {
      return { kind: 'idempotency_conflict' };
    }
    return { kind: 'replayed', response: { status: row.status, body: row.response } };
  }

  /**
   * Runs one movement transaction. A refusal rolls back everything (the key included, so a
   * refused request may be retried with its key); a taken key answers with the first response.
   */
  async function movement<T>(
    idempotency: IdempotentRequest | null,
    body: (tx: Tx) => Promise<T>,
  ): Promise<T | Replay> {
    try {
      return await db.transaction(async (tx) => {
        await claimKey(tx, idempotency);
        return body(tx);
      });
    } catch (error) {
      if (error instanceof Refused) return error.result as T;
      if (error instanceof KeyTaken && idempotency) return replayOf(idempotency);
      throw error;
    }
  }

  /** The balance update for a set of movements: conditional, so it never goes below zero. */
  async function moveBalance(tx: Tx, userId: number, moves: Movement[]): Promise<HeldBalance | null> {
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
    return row
      ? {
          userId: row.userId,
          quota: row.quota,
          usedQuota: row.usedQuota,
          held: row.held,
          updatedAt: row.updatedAt,
        }
      : null;
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

  async function writeLedger(
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

  async function lockCharge(tx: Tx, action: ChargeAction): Promise<ChargeRow> {
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
  async function settle(
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

  async function currentUsage(tx: Tx | Db, userId: number, clientId: number, periodStart: Date) {
    const [row] = await tx
      .select({ used: chargeUsage.used })
      .from(chargeUsage)
      .where(
        and(
          eq(chargeUsage.userId, userId),
          eq(chargeUsage.clientId, clientId),
          eq(chargeUsage.periodStart, periodStart),
        ),
      );
    return row?.used ?? 0n;
  }

  async function getBalance(userId: number): Promise<HeldBalance | null> {
    const [row] = await db.select().from(balances).where(eq(balances.userId, userId));
    return row
      ? {
          userId: row.userId,
          quota: row.quota,
          usedQuota: row.usedQuota,
          held: row.held,
          updatedAt: row.updatedAt,
        }
      : null;
  }

  /** Stores the response with the key and writes the webhook event: same transaction as the movement. */
  async function finish(
    outcome: MovementOutcome,
    idempotency: IdempotentRequest | null,
    render: (outcome: MovementOutcome) => StoredResponse,
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

  async function release(
    action: ChargeAction,
    idempotency: IdempotentRequest | null,
    render: (outcome: MovementOutcome) => StoredResponse,
  ): Promise<ChargeActionResult> {
    return movement<ChargeActionResult>(idempotency, async (tx) => {
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

  return translateErrors({
    async getAllowance(userId: number, clientId: number): Promise<Allowance | null> {
      const [row] = await db
        .select({ limit: grants.chargeLimit, period: grants.chargePeriod, scopes: grants.scopes })
        .from(grants)
        .where(and(eq(grants.userId, userId), eq(grants.clientId, clientId)));
      if (!row || row.limit === null || row.period === null || !row.scopes.includes('charge')) return null;
      return { limit: row.limit, period: row.period };
    },

    async setAllowance(
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
    },

    usage: (userId: number, clientId: number, periodStart: Date) =>
      currentUsage(db, userId, clientId, periodStart),
    getBalance,

    async create(charge: NewCharge, idempotency: IdempotentRequest, render): Promise<CreateChargeResult> {
      const moves = chargeMovements(charge.amount, charge.capture);
      const result = await movement<CreateChargeResult>(idempotency, async (tx) => {
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
        const balance = await getBalance(charge.userId);
        return { kind: 'insufficient_balance', balance: balance! };
      }
      return result;
    },

    async capture(action, idempotency, render): Promise<ChargeActionResult> {
      return movement<ChargeActionResult>(idempotency, async (tx) => {
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
    },

    cancel: release,

    async refund(action, idempotency, render): Promise<ChargeActionResult> {
      return movement<ChargeActionResult>(idempotency, async (tx) => {
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
    },

    async releaseExpired(now: Date, limit = 100): Promise<Charge[]> {
      const due = await db
        .select({ id: charges.id })
        .from(charges)
        .where(and(eq(charges.status, 'held'), lte(charges.holdExpiresAt, now)))
        .limit(limit);
      const released: Charge[] = [];
      for (const { id } of due) {
        // Each its own transaction; one a client captured meanwhile is simply not held any more.
        const result = await release({ chargeId: id, clientId: null, now }, null, () => ({
          status: 200,
          body: null,
        }));
        if (result.kind === 'done') released.push(result.outcome.charge);
      }
      return released;
    },

    async get(chargeId: string): Promise<Charge | null> {
      const [row] = await db.select().from(charges).where(eq(charges.id, chargeId));
      return row ? toCharge(row) : null;
    },

    async list(filter): Promise<Charge[]> {
      let before: number | undefined;
      if (filter.startingAfter) {
        const [row] = await db
          .select({ seq: charges.seq })
          .from(charges)
          .where(eq(charges.id, filter.startingAfter));
        if (!row) return [];
        before = row.seq;
      }
      const rows = await db
        .select()
        .from(charges)
        .where(
          and(
            filter.userId === undefined ? undefined : eq(charges.userId, filter.userId),
            filter.clientId === undefined ? undefined : eq(charges.clientId, filter.clientId),
            before === undefined ? undefined : lt(charges.seq, before),
          ),
        )
        .orderBy(desc(charges.seq))
        .limit(filter.limit);
      return rows.map(toCharge);
    },

    async listRefunds(chargeIds: string[]): Promise<ChargeRefund[]> {
      if (chargeIds.length === 0) return [];
      return db
        .select()
        .from(chargeRefunds)
        .where(inArray(chargeRefunds.chargeId, chargeIds))
        .orderBy(desc(chargeRefunds.createdAt), desc(chargeRefunds.id));
    },

    async checkLedger(): Promise<LedgerMismatch[]> {
      const ledger = db
        .select({
          userId: ledgerEntries.userId,
          ledgerSum: sql<string>`sum(${ledgerEntries.amount})`.as('ledger_sum'),
          heldSum: sql<string>`sum(${ledgerEntries.heldChange})`.as('held_sum'),
        })
        .from(ledgerEntries)
        .groupBy(ledgerEntries.userId)
        .as('ledger');
      const holds = db
        .select({ userId: charges.userId, openHolds: sql<string>`sum(${charges.amount})`.as('open_holds') })
        .from(charges)
        .where(eq(charges.status, 'held'))
        .groupBy(charges.userId)
        .as('holds');
      const rows = await db
        .select({
          userId: balances.userId,
          quota: balances.quota,
          held: balances.held,
          ledgerSum: sql<string>`coalesce(${ledger.ledgerSum}, 0)::text`,
          heldSum: sql<string>`coalesce(${ledger.heldSum}, 0)::text`,
          openHolds: sql<string>`coalesce(${holds.openHolds}, 0)::text`,
        })
        .from(balances)
        .leftJoin(ledger, eq(ledger.userId, balances.userId))
        .leftJoin(holds, eq(holds.userId, balances.userId));
      return rows
        .map((r) => ({
          userId: r.userId,
          quota: r.quota,
          held: r.held,
          ledgerSum: BigInt(r.ledgerSum),
          heldSum: BigInt(r.heldSum),
          openHolds: BigInt(r.openHolds),
        }))
        .filter((r) => r.quota !== r.ledgerSum || r.held !== r.heldSum || r.held !== r.openHolds);
    },
  });
}
