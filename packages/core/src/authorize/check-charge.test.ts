import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkChargeSuggestion } from './check-charge.js';
import { readAuthorizationRequest } from './parameters.js';

const QPU = 500_000n;
const check = (query: Record<string, string>, scopes = ['charge', 'profile']) =>
  checkChargeSuggestion(readAuthorizationRequest(query), scopes, QPU);

describe('checkChargeSuggestion', () => {
  it('is null when neither parameter is sent', () => {
    expect(check({})).toBeNull();
    expect(check({}, ['profile'])).toBeNull();
  });

  it('reads a money limit in quota units and a period', () => {
    expect(check({ charge_limit: '5.00', charge_period: 'week' })).toEqual({
      limit: 2_500_000n,
      period: 'week',
    });
    expect(check({ charge_limit: '12' })).toEqual({ limit: 6_000_000n, period: null });
    expect(check({ charge_period: 'total' })).toEqual({ limit: null, period: 'total' });
  });

  it('keeps a suggestion above the platform maximum (the page caps it)', () => {
    expect(check({ charge_limit: '100000.00' })?.limit).toBe(50_000_000_000n);
  });

  it.each([['0'], ['0.00'], ['-1'], ['1.005'], ['1,00'], ['1e3'], [' 5'], ['five'], ['99999999999999999']])(
    'refuses charge_limit=%j with invalid_request',
    (value) => {
      expect(() => check({ charge_limit: value })).toThrow(InvalidRequestError);
    },
  );

  it('refuses an unknown period', () => {
    expect(() => check({ charge_limit: '5', charge_period: 'year' })).toThrow(/charge_period/);
    expect(() => check({ charge_period: 'Day' })).toThrow(InvalidRequestError);
  });

  it('refuses a suggestion without the charge scope', () => {
    expect(() => check({ charge_limit: '5.00' }, ['profile'])).toThrow(/charge scope/);
    expect(() => check({ charge_period: 'day' }, ['balance'])).toThrow(InvalidRequestError);
  });

  it('refuses an amount that rounds to no quota at all', () => {
    const raw = readAuthorizationRequest({ charge_limit: '0.01' });
    expect(() => checkChargeSuggestion(raw, ['charge'], 50n)).toThrow(InvalidRequestError);
  });
});
