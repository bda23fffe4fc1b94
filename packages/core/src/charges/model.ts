import { type Allowance, allowanceStatus } from './allowance.js';
import { periodStart } from './period.js';
import {
  type ChargeState,
  captureMovements,
  chargeMovements,
  decideCapture,
  decideCharge,
  decideRefund,
  decideRelease,
  isOpenHold,
  type Movement,
  refundMovements,
  releaseMovements,
} from './rules.js';

/**
 * The charge rules applied to one user and one app in memory: what every store must agree with.
 * Property tests drive it with random operations; it is also the reference the contract suite
 * compares a real store against.
 */
export interface ModelCharge extends ChargeState {
  periodStart: Date;
}

export class ChargeModel {
  available: bigint;
  held = 0n;
  spent = 0n;
  readonly ledger: Movement[] = [];
  readonly charges: ModelCharge[] = [];
  private readonly usage = new Map<number, bigint>();

  constructor(
    balance: bigint,
    public allowance: Allowance,
    private readonly holdTtlMs: number,
  ) {
    this.available = balance;
  }

  usedIn(now: Date): bigint {
    return this.usage.get(periodStart(this.allowance.period, now).getTime()) ?? 0n;
  }

  charge(amount: bigint, capture: boolean, now: Date) {
    const status = allowanceStatus(this.allowance, this.usedIn(now), now);
    const decision = decideCharge({ amount, available: this.available, allowance: status });
    if (decision !== 'ok') return { kind: decision } as const;
    const charge: ModelCharge = {
      status: capture ? 'succeeded' : 'held',
      amount,
      capturedAmount: capture ? amount : 0n,
      refundedAmount: 0n,
      holdExpiresAt: capture ? null : new Date(now.getTime() + this.holdTtlMs),
      periodStart: periodStart(this.allowance.period, now),
    };
    this.charges.push(charge);
    this.apply(charge, chargeMovements(amount, capture));
    return { kind: 'ok', index: this.charges.length - 1 } as const;
  }

  capture(index: number, amount: bigint | undefined, now: Date) {
    const charge = this.charges[index]!;
    const decision = decideCapture(charge, amount, now);
    if (decision.kind !== 'ok') return decision;
    charge.status = 'succeeded';
    charge.capturedAmount = decision.capture;
    charge.holdExpiresAt = null;
    this.apply(charge, captureMovements(decision.capture, decision.release));
    return decision;
  }

  cancel(index: number) {
    const charge = this.charges[index]!;
    const decision = decideRelease(charge);
    if (decision.kind !== 'ok') return decision;
    charge.status = 'canceled';
    charge.holdExpiresAt = null;
    this.apply(charge, releaseMovements(decision.release));
    return decision;
  }

  /** Releases every hold that lapsed by `now`. */
  expire(now: Date): number {
    let released = 0;
    this.charges.forEach((charge, index) => {
      if (charge.status === 'held' && !isOpenHold(charge, now)) {
        this.cancel(index);
        released += 1;
      }
    });
    return released;
  }

  refund(index: number, amount: bigint | undefined) {
    const charge = this.charges[index]!;
    const decision = decideRefund(charge, amount);
    if (decision.kind !== 'ok') return decision;
    charge.refundedAmount += decision.amount;
    this.apply(charge, refundMovements(decision.amount));
    return decision;
  }

  openHolds(): bigint {
    return this.charges.filter((c) => c.status === 'held').reduce((sum, c) => sum + c.amount, 0n);
  }

  private apply(charge: ModelCharge, moves: Movement[]) {
    for (const move of moves) {
      this.available += move.availableChange;
      this.held += move.heldChange;
      this.spent += move.spentChange;
      const key = charge.periodStart.getTime();
      this.usage.set(key, (this.usage.get(key) ?? 0n) + move.usageChange);
      this.ledger.push(move);
    }
  }
}
