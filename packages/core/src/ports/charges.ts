export type { Allowance } from '../charges/allowance.js';
export type { ChargePeriod } from '../charges/period.js';

import type { Allowance } from '../charges/allowance.js';
import type { ChargeStatus } from '../charges/rules.js';
import type { Balance } from './ledger.js';

export interface Charge {
  id: string;
  userId: number;
  /** Internal client id. */
  clientId: number;
  status: ChargeStatus;
  amount: bigint;
  capturedAmount: bigint;
  refundedAmount: bigint;
  description: string;
  reference: string | null;
  periodStart: Date;
  holdExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ChargeRefund {
  id: string;
  chargeId: string;
  amount: bigint;
  reason: string | null;
  actor: string;
  createdAt: Date;
}

/** Balance with the held total (SEC-90): `quota` is what is available. */
export interface HeldBalance extends Balance {
  held: bigint;
}

/**
 * SEC-92: an idempotency key of the charges API, scoped to client and user; `fingerprint` is a
 * digest of the request. `render` builds the response stored with the key in the same
 * transaction, so a replay returns exactly the first response.
 */
export interface IdempotentRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Replay = { kind: 'replayed'; response: StoredResponse } | { kind: 'idempotency_conflict' };

/** What a successful movement leaves behind, for the response. */
export interface MovementOutcome {
  charge: Charge;
  balance: HeldBalance;
  /** Allowance used in the charge's period after the movement. */
  used: bigint;
  refund?: ChargeRefund;
}

export interface NewCharge {
  id: string;
  userId: number;
  clientId: number;
  amount: bigint;
  capture: boolean;
  description: string;
  reference: string | null;
  /** The grant's allowance as read before; the statement refuses if it changed meanwhile. */
  allowance: Allowance;
  periodStart: Date;
  holdExpiresAt: Date | null;
  now: Date;
}

export type CreateChargeResult =
  | { kind: 'created'; outcome: MovementOutcome; response: StoredResponse }
  | { kind: 'allowance_exceeded'; used: bigint }
  | { kind: 'insufficient_balance'; balance: HeldBalance }
  | Replay;

export type ChargeActionResult =
  | { kind: 'done'; outcome: MovementOutcome; response: StoredResponse }
  | { kind: 'not_found' }
  | { kind: 'not_held' }
  | { kind: 'hold_expired' }
  | { kind: 'amount_exceeds_hold' }
  | { kind: 'not_captured' }
  | { kind: 'exceeds_captured'; refundable: bigint }
  | { kind: 'balance_limit' }
  | Replay;

export interface ChargeAction {
  chargeId: string;
  /** Only the client that made the charge may act on it; null for the administrator. */
  clientId: number | null;
  now: Date;
}

export interface LedgerMismatch {
  userId: number;
  quota: bigint;
  ledgerSum: bigint;
  held: bigint;
  heldSum: bigint;
  openHolds: bigint;
}

export interface ChargeStore {
  /** The allowance stored with the grant, or null (no grant, or no `charge`). */
  getAllowance(userId: number, clientId: number): Promise<Allowance | null>;
  /**
   * Stores (or, with null, removes with `charge`) the allowance; `charge` must be among the
   * grant's scopes. The same transaction writes the app's `allowance.changed` event.
   */
  setAllowance(userId: number, clientId: number, allowance: Allowance | null, now?: Date): Promise<boolean>;
  usage(userId: number, clientId: number, periodStart: Date): Promise<bigint>;
  getBalance(userId: number): Promise<HeldBalance | null>;

  /** Charge or hold: allowance usage, balance, charge row, ledger rows and key — one transaction. */
  create(
    charge: NewCharge,
    idempotency: IdempotentRequest,
    render: (outcome: MovementOutcome) => StoredResponse,
  ): Promise<CreateChargeResult>;
  capture(
    action: ChargeAction & { amount?: bigint },
    idempotency: IdempotentRequest | null,
    render: (outcome: MovementOutcome) => StoredResponse,
  ): Promise<ChargeActionResult>;
  cancel(
    action: ChargeAction,
    idempotency: IdempotentRequest | null,
    render: (outcome: MovementOutcome) => StoredResponse,
  ): Promise<ChargeActionResult>;
  refund(
    action: ChargeAction & { refundId: string; amount?: bigint; reason: string | null; actor: string },
    idempotency: IdempotentRequest | null,
    render: (outcome: MovementOutcome) => StoredResponse,
  ): Promise<ChargeActionResult>;
  /**
   * Releases up to `limit` (default 100) holds that lapsed by `now`, each in its own
   * transaction with a `release` ledger entry; returns the charges released.
   */
  releaseExpired(now: Date, limit?: number): Promise<Charge[]>;

  get(chargeId: string): Promise<Charge | null>;
  /** Newest first; `startingAfter` is a charge id. */
  list(filter: {
    userId?: number;
    clientId?: number;
    limit: number;
    startingAfter?: string;
  }): Promise<Charge[]>;
  listRefunds(chargeIds: string[]): Promise<ChargeRefund[]>;
  /** Every user whose balance ≠ sum of ledger, or held ≠ sum of held changes ≠ open holds. */
  checkLedger(): Promise<LedgerMismatch[]>;
}
