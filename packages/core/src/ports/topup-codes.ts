import type { LedgerEntry } from './ledger.js';

export interface NewTopupBatch {
  batchId: string;
  /** Quota units each code credits. */
  quota: bigint;
  expiresAt: Date | null;
  /** SHA-256 (hex) of each code; the codes themselves are shown once and never stored. */
  codeHashes: string[];
  createdBy: string;
}

export type RedeemResult =
  | { kind: 'redeemed'; entry: LedgerEntry }
  | { kind: 'not_found' }
  | { kind: 'used' }
  | { kind: 'expired' }
  /** Crediting the code would pass MAX_BALANCE: the code stays unused. */
  | { kind: 'balance_limit' };

export interface TopupCodeStore {
  createBatch(batch: NewTopupBatch): Promise<void>;
  /**
   * Marks the code used and credits the user in one transaction; at most one success per code
   * under any concurrency. `fromClientId`: the app whose top-up link brought the user — the
   * same transaction writes its `topup.completed` event (SEC-98: only if the user granted it).
   */
  redeem(codeHash: string, userId: number, now: Date, fromClientId?: number | null): Promise<RedeemResult>;
}
