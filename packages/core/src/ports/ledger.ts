export type LedgerKind = 'topup' | 'credit' | 'debit' | 'refund' | 'charge' | 'hold' | 'capture' | 'release';

export interface Balance {
  userId: number;
  /** Remaining balance in quota units; never negative. */
  quota: bigint;
  /** Sum of all debits, in quota units. */
  usedQuota: bigint;
  updatedAt: Date;
}

export interface LedgerEntry {
  id: number;
  userId: number;
  /** Signed change in quota units: positive credits, negative debits. */
  amount: bigint;
  kind: LedgerKind;
  reference: string | null;
  idempotencyKey: string | null;
  /** Who made the change, e.g. `admin`, `user:12`, `topup-code:batch-id`. */
  actor: string;
  /** Balance right after this entry (what a retry with the same key returns). */
  balanceAfter: bigint;
  createdAt: Date;
}

export interface BalanceChange {
  userId: number;
  /** Signed, non-zero. */
  amount: bigint;
  kind: LedgerKind;
  reference?: string | null;
  idempotencyKey?: string | null;
  /**
   * Whose idempotency key this is (SEC-33): the caller — the admin token, a client — never
   * the user it names. Defaults to `actor`. The same scope and key name one change only:
   * another user, amount or kind under it is an `idempotency_conflict`.
   */
  idempotencyScope?: string | null;
  actor: string;
}

export type ApplyResult =
  | { kind: 'applied'; entry: LedgerEntry }
  /** Same scope × idempotency key, and the same user, amount and kind as an earlier change: its first result. */
  | { kind: 'replayed'; entry: LedgerEntry }
  /** Same scope × idempotency key, another user, amount or kind. Nothing written. */
  | { kind: 'idempotency_conflict'; entry: LedgerEntry }
  /** The change would take the balance below zero. Nothing written. */
  | { kind: 'insufficient_funds'; balance: Balance }
  /** The change would take the balance or the used quota past MAX_BALANCE (money/limits). Nothing written. */
  | { kind: 'balance_limit'; balance: Balance }
  | { kind: 'user_not_found' };

export interface LedgerStore {
  getBalance(userId: number): Promise<Balance | null>;
  /** One ledger row and one balance update in one transaction, or nothing. */
  apply(change: BalanceChange): Promise<ApplyResult>;
  /** Newest first. */
  listEntries(userId: number, limit: number): Promise<LedgerEntry[]>;
}
