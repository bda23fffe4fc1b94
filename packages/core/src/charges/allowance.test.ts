import { describe, expect, it } from 'vitest';
import { allowanceStatus, allowanceToOffer, checkAllowanceChoice } from './allowance.js';

describe('allowance', () => {
  it('reports used, remaining and the next reset', () => {
    expect(allowanceStatus({ limit: 100n, period: 'day' }, 30n, new Date('2026-03-14T10:00:00Z'))).toEqual({
      limit: 100n,
      period: 'day',
      used: 30n,
      remaining: 70n,
      resetsAt: new Date('2026-03-15T00:00:00Z'),
    });
  });

  it('never reports a negative remainder (a lowered allowance)', () => {
    expect(allowanceStatus({ limit: 10n, period: 'total' }, 30n, new Date()).remaining).toBe(0n);
  });

  it('keeps a stored allowance over a higher suggestion and caps suggestions at the maximum', () => {
    const stored = { limit: 5n, period: 'month' as const };
    expect(allowanceToOffer(stored, { limit: 50n, period: 'day' }, 100n)).toBe(stored);
    expect(allowanceToOffer(null, { limit: 500n, period: 'day' }, 100n)).toEqual({
      limit: 100n,
      period: 'day',
    });
    expect(allowanceToOffer(null, null, 100n)).toBeNull();
  });

  it('accepts a choice within (0, max]', () => {
    expect(checkAllowanceChoice(0n, 10n)).toBe('not_positive');
    expect(checkAllowanceChoice(11n, 10n)).toBe('above_max');
    expect(checkAllowanceChoice(10n, 10n)).toBe('ok');
  });
});
