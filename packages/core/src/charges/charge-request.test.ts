import { describe, expect, it } from 'vitest';
import type { Allowance } from '../ports/index.js';
import { ChargeAmountError } from './amount.js';
import {
  actionFingerprint,
  chargeFingerprint,
  chargeIdempotency,
  chargeVisibleTo,
  optionalChargeAmount,
  planCharge,
  planRefund,
  readChargeRequest,
  readRefundRequest,
  refundFingerprint,
} from './charge-request.js';

const QUOTA_PER_UNIT = 500_000n;
const ALLOWANCE: Allowance = { limit: 2_500_000n, period: 'month' };
const NOW = new Date('2026-12-03T12:00:00Z');
const PARTIES = { userId: 7, clientId: 3 };

describe('readChargeRequest', () => {
  it('reads amount, description, reference and capture (a charge unless capture is false)', () => {
    expect(readChargeRequest({ amount: '0.50', description: 'Premium' }, QUOTA_PER_UNIT)).toEqual({
      amount: 250_000n,
      description: 'Premium',
      reference: null,
      capture: true,
    });
    expect(
      readChargeRequest(
        { amount: '1.00', description: 'x', reference: 'r-1', capture: false },
        QUOTA_PER_UNIT,
      ),
    ).toMatchObject({ amount: 500_000n, reference: 'r-1', capture: false });
  });

  it.each([
    [{ amount: '1.00' }, /description is required/],
    [{ amount: '1.00', description: 'x'.repeat(201) }, /description must be a string of 1 to 200/],
    [{ amount: '1.00', description: 'x', reference: 5 }, /reference must be a string/],
    [{ amount: '1.00', description: 'x', capture: 'no' }, /capture must be true or false/],
  ])('refuses %j naming the field', (body, message) => {
    expect(() => readChargeRequest(body, QUOTA_PER_UNIT)).toThrow(ChargeAmountError);
    expect(() => readChargeRequest(body, QUOTA_PER_UNIT)).toThrow(message);
  });
});

describe('chargeIdempotency (SEC-92)', () => {
  const asked = readChargeRequest({ amount: '0.50', description: 'Premium' }, QUOTA_PER_UNIT);

  it('scopes the key to the app and the user', () => {
    expect(chargeIdempotency(PARTIES, 'k-1', chargeFingerprint(asked))).toMatchObject({
      scope: 'client:3:user:7',
      key: 'k-1',
    });
  });

  it('fingerprints as before (stored fingerprints of earlier requests keep matching)', () => {
    const earlier = {
      op: 'charge',
      amount: '250000',
      description: 'Premium',
      reference: null,
      capture: true,
    };
    expect(JSON.stringify(chargeFingerprint(asked))).toBe(JSON.stringify(earlier));
    expect(chargeIdempotency(PARTIES, 'k', chargeFingerprint(asked)).fingerprint).toBe(
      chargeIdempotency(PARTIES, 'k', earlier).fingerprint,
    );
  });

  it('a different request under the same key has another fingerprint', () => {
    const other = { ...asked, amount: 250_001n };
    expect(chargeIdempotency(PARTIES, 'k', chargeFingerprint(other)).fingerprint).not.toBe(
      chargeIdempotency(PARTIES, 'k', chargeFingerprint(asked)).fingerprint,
    );
  });
});

describe('planCharge', () => {
  const asked = readChargeRequest({ amount: '0.50', description: 'Premium' }, QUOTA_PER_UNIT);

  it('asks the store for nothing when the user set no allowance for the app', () => {
    expect(planCharge(asked, PARTIES, null, NOW, 900)).toEqual({ kind: 'no_allowance' });
  });

  it('a charge in the allowance period that contains now, with no hold expiry', () => {
    const plan = planCharge(asked, { ...PARTIES, extra: 'ignored' } as typeof PARTIES, ALLOWANCE, NOW, 900);
    expect(plan.kind).toBe('charge');
    if (plan.kind !== 'charge') return;
    expect(plan.charge).toEqual({
      id: expect.stringMatching(/^ch_/),
      userId: 7,
      clientId: 3,
      amount: 250_000n,
      capture: true,
      description: 'Premium',
      reference: null,
      allowance: ALLOWANCE,
      periodStart: new Date('2026-12-01T00:00:00Z'),
      holdExpiresAt: null,
      now: NOW,
    });
  });

  it('a hold expires holdTtl seconds from now', () => {
    const plan = planCharge({ ...asked, capture: false }, PARTIES, ALLOWANCE, NOW, 900);
    expect(plan.kind === 'charge' && plan.charge.holdExpiresAt).toEqual(new Date('2026-12-03T12:15:00Z'));
  });
});

describe('captures, cancels and refunds', () => {
  it('an absent amount means all of it; a present one is read as a charge amount', () => {
    expect(optionalChargeAmount({}, QUOTA_PER_UNIT)).toBeUndefined();
    expect(optionalChargeAmount({ amount: '0.20' }, QUOTA_PER_UNIT)).toBe(100_000n);
    expect(() => optionalChargeAmount({ amount: '-1' }, QUOTA_PER_UNIT)).toThrow(ChargeAmountError);
  });

  it('fingerprint as before (stored fingerprints of earlier requests keep matching)', () => {
    expect(JSON.stringify(actionFingerprint('capture', 'ch_1', 100_000n))).toBe(
      JSON.stringify({ op: 'capture', chargeId: 'ch_1', amount: '100000' }),
    );
    expect(JSON.stringify(actionFingerprint('cancel', 'ch_1', undefined))).toBe(
      JSON.stringify({ op: 'cancel', chargeId: 'ch_1', amount: null }),
    );
    const refund = readRefundRequest({ amount: '0.20', reason: 'broken' }, QUOTA_PER_UNIT);
    expect(JSON.stringify(refundFingerprint('ch_1', refund))).toBe(
      JSON.stringify({ op: 'refund', chargeId: 'ch_1', amount: '100000', reason: 'broken' }),
    );
  });

  it('a refund is recorded as the app’s own doing, under a new refund id', () => {
    const refund = readRefundRequest({}, QUOTA_PER_UNIT);
    expect(refund).toEqual({ amount: undefined, reason: null });
    expect(planRefund(PARTIES, 'ch_1', refund, NOW)).toEqual({
      chargeId: 'ch_1',
      clientId: 3,
      now: NOW,
      amount: undefined,
      reason: null,
      refundId: expect.stringMatching(/^re_/),
      actor: 'client:3',
    });
    expect(() => readRefundRequest({ reason: 'x'.repeat(501) }, QUOTA_PER_UNIT)).toThrow(/reason must be/);
  });
});

describe('chargeVisibleTo', () => {
  it('only the app that made the charge, for the same user', () => {
    expect(chargeVisibleTo({ userId: 7, clientId: 3 }, PARTIES)).toBe(true);
    expect(chargeVisibleTo({ userId: 7, clientId: 4 }, PARTIES)).toBe(false);
    expect(chargeVisibleTo({ userId: 8, clientId: 3 }, PARTIES)).toBe(false);
    expect(chargeVisibleTo(null, PARTIES)).toBe(false);
  });
});
