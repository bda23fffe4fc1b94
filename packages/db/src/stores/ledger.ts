import type { ApplyResult, Balance, BalanceChange, LedgerEntry, LedgerStore } from '@gatehouse/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { isUniqueViolation, translateErrors } from '../errors.js';
import { balances } from '../schema/balances.js';
import { ledgerEntries } from '../schema/ledger.js';
import {
  balanceChangeStatement,
  balanceChangeValues,
  idempotencyScopeOf,
  passesBalanceLimit,
  toBalance,
  toEntry,
} from './balance-change.js';

export function createLedgerStore(db: Db): LedgerStore {
  const getBalance = db
    .select()
    .from(balances)
    .where(eq(balances.userId, sql.placeholder('userId')))
    .prepare('balances_get');
  const applyChange = balanceChangeStatement(db).prepare('ledger_apply');

  async function balanceOf(userId: number): Promise<Balance | null> {
    const [row] = await getBalance.execute({ userId });
    return row ? toBalance(row) : null;
  }

  /** Why a change wrote nothing: a used idempotency key, a missing user, the cap, or too little money. */
  async function explainRefusal(change: BalanceChange): Promise<ApplyResult> {
    if (change.idempotencyKey != null) {
      const [first] = await db
        .select()
        .from(ledgerEntries)
        .where(
          and(
            eq(ledgerEntries.idempotencyScope, idempotencyScopeOf(change)),
            eq(ledgerEntries.idempotencyKey, change.idempotencyKey),
          ),
        );
      if (first) {
        const same =
          first.userId === change.userId && first.amount === change.amount && first.kind === change.kind;
        return { kind: same ? 'replayed' : 'idempotency_conflict', entry: toEntry(first) };
      }
    }
    const balance = await balanceOf(change.userId);
    if (!balance) return { kind: 'user_not_found' };
    return passesBalanceLimit(balance, change)
      ? { kind: 'balance_limit', balance }
      : { kind: 'insufficient_funds', balance };
  }

  return translateErrors({
    getBalance: balanceOf,

    async apply(change: BalanceChange): Promise<ApplyResult> {
      try {
        const [row] = await applyChange.execute(balanceChangeValues(change));
        if (row) return { kind: 'applied', entry: toEntry(row) };
      } catch (error) {
        // A concurrent duplicate committed first and this statement rolled back: report the winner.
        if (!isUniqueViolation(error, 'ledger_entries_idempotency_scope_key')) throw error;
      }
      return explainRefusal(change);
    },

    async listEntries(userId: number, limit: number): Promise<LedgerEntry[]> {
      const rows = await db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.userId, userId))
        .orderBy(desc(ledgerEntries.id))
        .limit(limit);
      return rows.map(toEntry);
    },
  });
}
