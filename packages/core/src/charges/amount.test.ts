import { describe, expect, it } from 'vitest';
import { ChargeAmountError, chargeAmountOf } from './amount.js';

const PER = 500_000n;

describe('chargeAmountOf', () => {
  it.each([
    [{ amount: '0.50' }, 250_000n],
    [{ amount: '5' }, 2_500_000n],
    [{ quota: 7 }, 7n],
    [{ quota: '12' }, 12n],
  ])('%o is %s quota', (body, quota) => {
    expect(chargeAmountOf(body, PER)).toBe(quota);
  });

  it.each([
    [{}],
    [{ amount: '1.00', quota: 5 }],
    [{ amount: '0' }],
    [{ amount: '0.001' }],
    [{ amount: '-1' }],
    [{ amount: 1 }],
    [{ quota: 0 }],
    [{ quota: 1.5 }],
    [{ quota: -3 }],
    [{ quota: 2 ** 60 }],
    [{ amount: '99999999999999999999' }],
  ])('refuses %o', (body) => {
    expect(() => chargeAmountOf(body, PER)).toThrow(ChargeAmountError);
  });
});
