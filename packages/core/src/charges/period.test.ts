import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargePeriods, nextReset, periodStart } from './period.js';

const at = (iso: string) => new Date(iso);

describe('periodStart / nextReset', () => {
  it.each([
    ['day', '2026-03-15T23:59:59.999Z', '2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ['day', '2026-03-16T00:00:00.000Z', '2026-03-16T00:00:00.000Z', '2026-03-17T00:00:00.000Z'],
    // 2026-03-15 is a Sunday: its week began on Monday the 9th.
    ['week', '2026-03-15T12:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ['week', '2026-03-16T00:00:00.000Z', '2026-03-16T00:00:00.000Z', '2026-03-23T00:00:00.000Z'],
    ['month', '2026-12-31T23:59:59.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2028-02-29T10:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ] as const)('%s at %s starts %s and resets %s', (period, now, start, reset) => {
    expect(periodStart(period, at(now)).toISOString()).toBe(start);
    expect(nextReset(period, at(now))?.toISOString()).toBe(reset);
  });

  it('total never resets', () => {
    expect(periodStart('total', at('2030-01-01T00:00:00Z')).getTime()).toBe(0);
    expect(nextReset('total', at('2030-01-01T00:00:00Z'))).toBeNull();
  });

  it('every instant lies in [start, reset) and the reset starts the next period', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...chargePeriods.filter((p) => p !== 'total')),
        fc.date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }),
        (period, now) => {
          const start = periodStart(period, now);
          const reset = nextReset(period, now)!;
          expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
          expect(reset.getTime()).toBeGreaterThan(now.getTime());
          expect(periodStart(period, reset).getTime()).toBe(reset.getTime());
          expect(periodStart(period, new Date(reset.getTime() - 1)).getTime()).toBe(start.getTime());
        },
      ),
    );
  });
});
