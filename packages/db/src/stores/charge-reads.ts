import type { Charge, ChargeRefund, ChargeStore, HeldBalance, LedgerMismatch } from '@gatehouse/core';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { balances } from '../schema/balances.js';
import { chargeRefunds, charges, chargeUsage } from '../schema/charges.js';
import { ledgerEntries } from '../schema/ledger.js';
import { type Tx, toCharge, toHeldBalance } from './charge-rows.js';

export async function currentUsage(tx: Tx | Db, userId: number, clientId: number, periodStart: Date) {
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

export async function getBalance(db: Db, userId: number): Promise<HeldBalance | null> {
  const [row] = await db.select().from(balances).where(eq(balances.userId, userId));
  return row ? toHeldBalance(row) : null;
}

export async function getCharge(db: Db, chargeId: string): Promise<Charge | null> {
  const [row] = await db.select().from(charges).where(eq(charges.id, chargeId));
  return row ? toCharge(row) : null;
}

export async function listCharges(db: Db, filter: Parameters<ChargeStore['list']>[0]): Promise<Charge[]> {
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
}

export async function listRefunds(db: Db, chargeIds: string[]): Promise<ChargeRefund[]> {
  if (chargeIds.length === 0) return [];
  return db
    .select()
    .from(chargeRefunds)
    .where(inArray(chargeRefunds.chargeId, chargeIds))
    .orderBy(desc(chargeRefunds.createdAt), desc(chargeRefunds.id));
}

export async function checkLedger(db: Db): Promise<LedgerMismatch[]> {
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
}
