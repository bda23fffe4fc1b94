import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQuota, parseAmount } from './format.js';

const PER_UNIT = 500_000n;

describe('formatQuota', () => {
  it.each([
    [375_000_000n, '750.00'],
    [0n, '0.00'],
    [499_999n, '0.99'],
    [500_000n, '1.00'],
    [5_000n, '0.01'],
    [4_999n, '0.00'],
    [-5_000n, '-0.01'],
    [-4_999n, '0.00'],
    [123_456_789_012_345_678n, '246913578024.69'],
  ])('formats %s quota as %s', (quota, expected) => {
    expect(formatQuota(quota, PER_UNIT)).toBe(expected);
  });

  it('never overstates: the formatted amount converted back is at most the balance', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (quota, per) => {
          const shown = parseAmount(formatQuota(quota, per), per);
          expect(shown).toBeLessThanOrEqual(quota);
          // and it is off by less than one cent's worth of quota
          expect((quota - shown) * 100n).toBeLessThan(per + 100n);
        },
      ),
    );
  });

  it('always has exactly two decimals and is sign-symmetric', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (quota) => {
        const text = formatQuota(quota, PER_UNIT);
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        expect(formatQuota(-quota, PER_UNIT).replace(/^-/, '')).toBe(text.replace(/^-/, ''));
      }),
    );
  });
});

describe('parseAmount', () => {
  it('round-trips whole cents exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (cents) => {
        const text = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
        expect(formatQuota(parseAmount(text, PER_UNIT), PER_UNIT)).toBe(text);
      }),
    );
  });

  it.each(['1.234', '-1', 'abc', '1e3', '', '0x10'])('refuses %s', (text) => {
    expect(() => parseAmount(text, PER_UNIT)).toThrow(RangeError);
  });
});
