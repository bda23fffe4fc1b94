import type { AllowanceStatus } from './allowance.js';

export type ChargeStatus = 'succeeded' | 'held' | 'canceled';

/** The parts of a charge the movement rules look at. */
export interface ChargeState {
  status: ChargeStatus;
  /** Charged (status succeeded) or held (status held) in quota units. */
  amount: bigint;
  capturedAmount: bigint;
  refundedAmount: bigint;
  /** When an open hold lapses; null when not a hold. */
  holdExpiresAt: Date | null;
}

export type ChargeDecision = 'ok' | 'allowance_exceeded' | 'insufficient_balance';

/**
 * May a new charge (or hold) of `amount` pass (SEC-89)? The allowance is the user's own choice,
 * so it is checked first: topping up would not help an app past it. `available` is the balance
 * less open holds. The store applies the same two conditions in the statement that writes.
 */
export function decideCharge(input: {
  amount: bigint;
  available: bigint;
  allowance: Pick<AllowanceStatus, 'remaining'>;
}): ChargeDecision {
  if (input.amount > input.allowance.remaining) return 'allowance_exceeded';
  if (input.amount > input.available) return 'insufficient_balance';
  return 'ok';
}

export function isOpenHold(charge: ChargeState, now: Date): boolean {
  return charge.status === 'held' && charge.holdExpiresAt !== null && charge.holdExpiresAt > now;
}

export type CaptureDecision =
  | { kind: 'ok'; capture: bigint; release: bigint }
  | { kind: 'not_held' }
  | { kind: 'hold_expired' }
  | { kind: 'amount_exceeds_hold' };

/** Capture `amount` (default all) of an open hold; the rest goes back (SEC-90). */
export function decideCapture(charge: ChargeState, amount: bigint | undefined, now: Date): CaptureDecision {
  if (charge.status !== 'held') return { kind: 'not_held' };
  if (!isOpenHold(charge, now)) return { kind: 'hold_expired' };
  const capture = amount ?? charge.amount;
  if (capture <= 0n || capture > charge.amount) return { kind: 'amount_exceeds_hold' };
  return { kind: 'ok', capture, release: charge.amount - capture };
}

export type CancelDecision = { kind: 'ok'; release: bigint } | { kind: 'not_held' };

/** Cancel an open hold, or release an expired one: the whole hold goes back. */
export function decideRelease(charge: ChargeState): CancelDecision {
  if (charge.status !== 'held') return { kind: 'not_held' };
  return { kind: 'ok', release: charge.amount };
}

export type RefundDecision =
  | { kind: 'ok'; amount: bigint }
  | { kind: 'not_captured' }
  | { kind: 'exceeds_captured'; refundable: bigint };

/** Refunds never exceed what was captured (SEC-91); the default is what is left. */
export function decideRefund(charge: ChargeState, amount: bigint | undefined): RefundDecision {
  if (charge.status !== 'succeeded' || charge.capturedAmount === 0n) return { kind: 'not_captured' };
  const refundable = charge.capturedAmount - charge.refundedAmount;
  const refund = amount ?? refundable;
  if (refundable <= 0n || refund <= 0n || refund > refundable)
    return { kind: 'exceeds_captured', refundable };
  return { kind: 'ok', amount: refund };
}

/**
 * One typed ledger movement: its change to the available balance, to the held total and to the
 * allowance usage of the charge's period. Every store applies exactly these numbers, all in one
 * transaction; `ledger check` proves their sums.
 */
export type MovementKind = 'charge' | 'hold' | 'capture' | 'release' | 'refund';

export interface Movement {
  kind: MovementKind;
  availableChange: bigint;
  heldChange: bigint;
  usageChange: bigint;
  /** Added to the user's used quota (what was really spent). */
  spentChange: bigint;
}

export function chargeMovements(amount: bigint, capture: boolean): Movement[] {
  return capture
    ? [{ kind: 'charge', availableChange: -amount, heldChange: 0n, usageChange: amount, spentChange: amount }]
    : [{ kind: 'hold', availableChange: -amount, heldChange: amount, usageChange: amount, spentChange: 0n }];
}

export function captureMovements(capture: bigint, release: bigint): Movement[] {
  const moves: Movement[] = [
    { kind: 'capture', availableChange: 0n, heldChange: -capture, usageChange: 0n, spentChange: capture },
  ];
  if (release > 0n) moves.push(...releaseMovements(release));
  return moves;
}

export function releaseMovements(release: bigint): Movement[] {
  return [
    {
      kind: 'release',
      availableChange: release,
      heldChange: -release,
      usageChange: -release,
      spentChange: 0n,
    },
  ];
}

/** A refund credits the balance and gives the allowance back in the charge's own period. */
export function refundMovements(amount: bigint): Movement[] {
  return [{ kind: 'refund', availableChange: amount, heldChange: 0n, usageChange: -amount, spentChange: 0n }];
}

/** The total of a list of movements, as the one set of conditional updates a store runs. */
export function sumMovements(moves: Movement[]): Omit<Movement, 'kind'> {
  return moves.reduce(
    (sum, m) => ({
      availableChange: sum.availableChange + m.availableChange,
      heldChange: sum.heldChange + m.heldChange,
      usageChange: sum.usageChange + m.usageChange,
      spentChange: sum.spentChange + m.spentChange,
    }),
    { availableChange: 0n, heldChange: 0n, usageChange: 0n, spentChange: 0n },
  );
}
