import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChargeModel } from './model.js';
import { chargePeriods, periodStart } from './period.js';

const HOUR = 3_600_000;

type Op =
  | { op: 'charge'; amount: bigint; capture: boolean }
  | { op: 'capture'; index: number; amount: bigint | undefined }
  | { op: 'cancel'; index: number }
  | { op: 'refund'; index: number; amount: bigint | undefined }
  | { op: 'wait'; hours: number };

const amount = fc.bigInt({ min: 1n, max: 400n });
const index = fc.nat({ max: 30 });
const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('charge' as const), amount, capture: fc.boolean() }),
    fc.record({ op: fc.constant('capture' as const), index, amount: fc.option(amount, { nil: undefined }) }),
    fc.record({ op: fc.constant('cancel' as const), index }),
    fc.record({ op: fc.constant('refund' as const), index, amount: fc.option(amount, { nil: undefined }) }),
    fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 40 }) }),
  ) as fc.Arbitrary<Op>,
  { maxLength: 60 },
);

describe('charge rules (model)', () => {
  it('balance = sum of ledger, never below zero; held = open holds; allowance never exceeded', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 3000n }),
        fc.bigInt({ min: 1n, max: 2000n }),
        fc.constantFrom(...chargePeriods),
        ops,
        (balance, limit, period, script) => {
          const model = new ChargeModel(balance, { limit, period }, 24 * HOUR);
          let now = new Date('2026-03-14T20:00:00Z');
          // Per period start: what was charged or held in it, less what came back.
          for (const step of script) {
            const has = (i: number) => i < model.charges.length;
            switch (step.op) {
              case 'charge':
                model.charge(step.amount, step.capture, now);
                break;
              case 'capture':
                if (has(step.index)) model.capture(step.index, step.amount, now);
                break;
              case 'cancel':
                if (has(step.index)) model.cancel(step.index);
                break;
              case 'refund':
                if (has(step.index)) model.refund(step.index, step.amount);
                break;
              case 'wait':
                now = new Date(now.getTime() + step.hours * HOUR);
                model.expire(now);
                break;
            }
            const sum = model.ledger.reduce((s, m) => s + m.availableChange, 0n);
            expect(model.available).toBe(balance + sum);
            expect(model.available).toBeGreaterThanOrEqual(0n);
            expect(model.held).toBe(model.ledger.reduce((s, m) => s + m.heldChange, 0n));
            expect(model.held).toBe(model.openHolds());
            expect(model.usedIn(now)).toBeGreaterThanOrEqual(0n);
            expect(model.usedIn(now)).toBeLessThanOrEqual(limit);
            // Money is conserved: what left the balance is held or spent less refunds.
            const refunded = model.charges.reduce((s, c) => s + c.refundedAmount, 0n);
            expect(balance - model.available).toBe(model.held + model.spent - refunded);
            for (const c of model.charges) expect(c.refundedAmount).toBeLessThanOrEqual(c.capturedAmount);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a refund gives the allowance back in the period of the charge, not the current one', () => {
    const model = new ChargeModel(1000n, { limit: 100n, period: 'day' }, HOUR);
    const day1 = new Date('2026-03-14T23:00:00Z');
    const day2 = new Date('2026-03-15T01:00:00Z');
    expect(model.charge(100n, true, day1).kind).toBe('ok');
    expect(model.charge(1n, true, day1).kind).toBe('allowance_exceeded');
    expect(model.charge(100n, true, day2).kind).toBe('ok');
    model.refund(0, undefined);
    expect(model.usedIn(day1)).toBe(0n);
    expect(model.usedIn(day2)).toBe(100n);
    expect(periodStart('day', day1).toISOString()).toBe('2026-03-14T00:00:00.000Z');
  });

  it('the allowance resets when a test clock crosses a month boundary', () => {
    const model = new ChargeModel(1000n, { limit: 50n, period: 'month' }, HOUR);
    expect(model.charge(50n, true, new Date('2026-01-31T23:59:59Z')).kind).toBe('ok');
    expect(model.charge(1n, true, new Date('2026-01-31T23:59:59Z')).kind).toBe('allowance_exceeded');
    expect(model.charge(50n, true, new Date('2026-02-01T00:00:00Z')).kind).toBe('ok');
  });

  it('a hold counts against the allowance and the balance; capture releases the rest', () => {
    const model = new ChargeModel(100n, { limit: 80n, period: 'total' }, HOUR);
    const now = new Date('2026-03-14T10:00:00Z');
    expect(model.charge(60n, false, now).kind).toBe('ok');
    expect(model).toMatchObject({ available: 40n, held: 60n });
    expect(model.charge(30n, true, now).kind).toBe('allowance_exceeded');
    expect(model.capture(0, 25n, now)).toEqual({ kind: 'ok', capture: 25n, release: 35n });
    expect(model).toMatchObject({ available: 75n, held: 0n, spent: 25n });
    expect(model.usedIn(now)).toBe(25n);
    expect(model.refund(0, 30n).kind).toBe('exceeds_captured');
    expect(model.refund(0, 10n)).toEqual({ kind: 'ok', amount: 10n });
    expect(model.refund(0, undefined)).toEqual({ kind: 'ok', amount: 15n });
    expect(model.refund(0, undefined).kind).toBe('exceeds_captured');
    expect(model).toMatchObject({ available: 100n, held: 0n });
    expect(model.usedIn(now)).toBe(0n);
  });

  it('an expired hold cannot be captured and is released', () => {
    const model = new ChargeModel(100n, { limit: 100n, period: 'day' }, HOUR);
    const now = new Date('2026-03-14T10:00:00Z');
    model.charge(40n, false, now);
    const later = new Date(now.getTime() + HOUR);
    expect(model.capture(0, undefined, later).kind).toBe('hold_expired');
    expect(model.expire(later)).toBe(1);
    expect(model).toMatchObject({ available: 100n, held: 0n });
    expect(model.capture(0, undefined, later).kind).toBe('not_held');
  });
});
