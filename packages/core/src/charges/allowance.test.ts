import { describe, expect, it } from 'vitest';
import {
  allowanceFormDefaults,
  allowanceStatus,
  allowanceToOffer,
  checkAllowanceChoice,
  parseAllowanceLimit,
  readAllowanceForm,
} from './allowance.js';

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

  it('parses an allowance limit from money text, refusing anything else', () => {
    expect(parseAllowanceLimit('5.5', 100n)).toBe(550n);
    expect(parseAllowanceLimit('0.00', 100n)).toBeNull();
    expect(parseAllowanceLimit('5.555', 100n)).toBeNull();
    expect(parseAllowanceLimit('-5', 100n)).toBeNull();
    expect(parseAllowanceLimit('9999999999999999', 1000n)).toBeNull();
  });

  it('reads an allowance form within (0, max] and a known period, never clamping', () => {
    const max = 10_000n;
    expect(readAllowanceForm({ limit: ' 25.00 ', period: 'day' }, 100n, max)).toEqual({
      kind: 'ok',
      allowance: { limit: 2500n, period: 'day' },
    });
    expect(readAllowanceForm({ limit: '100.00', period: 'total' }, 100n, max).kind).toBe('ok');
    expect(readAllowanceForm({ limit: '100.01', period: 'total' }, 100n, max)).toEqual({
      kind: 'invalid',
      reason: 'above_max',
    });
    expect(readAllowanceForm({ limit: '0', period: 'day' }, 100n, max)).toEqual({
      kind: 'invalid',
      reason: 'not_positive',
    });
    expect(readAllowanceForm({ limit: undefined, period: 'day' }, 100n, max)).toEqual({
      kind: 'invalid',
      reason: 'limit_format',
    });
    expect(readAllowanceForm({ limit: '1e2', period: 'day' }, 100n, max).kind).toBe('invalid');
    expect(readAllowanceForm({ limit: '5', period: 'year' }, 100n, max)).toEqual({
      kind: 'invalid',
      reason: 'period',
    });
    expect(readAllowanceForm({ limit: '5', period: undefined }, 100n, max).kind).toBe('invalid');
  });

  it('prefills the consent form with the suggestion capped at the maximum, month by default', () => {
    expect(allowanceFormDefaults(null, 100n)).toEqual({ limit: null, period: 'month' });
    expect(allowanceFormDefaults({ limit: 500n, period: 'day' }, 100n)).toEqual({
      limit: 100n,
      period: 'day',
    });
    expect(allowanceFormDefaults({ limit: 50n, period: null }, 100n)).toEqual({
      limit: 50n,
      period: 'month',
    });
    expect(allowanceFormDefaults({ limit: null, period: 'week' }, 100n)).toEqual({
      limit: null,
      period: 'week',
    });
  });
});
