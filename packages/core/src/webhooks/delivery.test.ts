import { describe, expect, it } from 'vitest';
import { backlogAgeSeconds, deliveryOutcome } from './delivery.js';
import { allowanceEventData, grantRevokedEventData, topupEventData } from './events.js';

describe('delivery outcomes', () => {
  it('a 2xx is delivered; a refused address, a retried and a last failure are told apart', () => {
    expect(deliveryOutcome({ status: 204, refused: false }, false)).toBe('delivered');
    expect(deliveryOutcome({ status: 200, refused: false }, true)).toBe('delivered');
    // A 3xx is a failure: redirects are never followed (SEC-93).
    expect(deliveryOutcome({ status: 302, refused: false }, false)).toBe('failed_retrying');
    expect(deliveryOutcome({ status: null, refused: false }, true)).toBe('failed_final');
    expect(deliveryOutcome({ status: null, refused: true }, false)).toBe('refused_destination');
    expect(deliveryOutcome({ status: null, refused: true }, true)).toBe('refused_destination');
  });

  it('the backlog age is 0 without pending events and never negative', () => {
    const now = new Date(1_700_000_100_000);
    expect(backlogAgeSeconds(null, now)).toBe(0);
    expect(backlogAgeSeconds(new Date(1_700_000_000_000), now)).toBe(100);
    expect(backlogAgeSeconds(new Date(1_700_000_200_000), now)).toBe(0);
  });
});

describe('account event data', () => {
  it('names the user by the sub the app knows, amounts in quota units as strings', () => {
    expect(topupEventData(7, 500n, 1500n)).toEqual({
      object: 'topup',
      sub: '7',
      quota: '500',
      balance_quota: '1500',
    });
    expect(grantRevokedEventData(7, 'password_reset')).toEqual({
      object: 'grant',
      sub: '7',
      reason: 'password_reset',
    });
    expect(allowanceEventData(7, { limit: 900n, period: 'week' })).toEqual({
      object: 'allowance',
      sub: '7',
      allowance: { limit_quota: '900', period: 'week' },
    });
    expect(allowanceEventData(7, null)).toEqual({ object: 'allowance', sub: '7', allowance: null });
  });
});
