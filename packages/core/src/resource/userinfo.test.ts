import { describe, expect, it } from 'vitest';
import { quotaToJson, shapeUserinfo } from './userinfo.js';

const user = {
  id: 42,
  username: 'alice',
  email: 'alice@example.com',
  emailVerified: false,
  status: 'active' as const,
  createdAt: new Date('2024-05-01T12:00:00.750Z'),
};
const balance = { quota: 375_000_000n, usedQuota: 1_250_000n };
const now = new Date('2025-01-02T03:04:05.678Z');
const base = { user, balance, quotaPerUnit: 500_000n, currency: 'USD', now };

describe('userinfo by scope (API.md §4)', () => {
  it('always has sub (string) and id (number), nothing else without profile or balance', () => {
    expect(shapeUserinfo({ ...base, scopes: [] })).toEqual({ sub: '42', id: 42 });
  });

  it('profile adds username, email with email_verified, created_time in unix seconds and status 1', () => {
    expect(
      shapeUserinfo({ ...base, user: { ...user, emailVerified: true }, scopes: ['profile'] }).email_verified,
    ).toBe(true);
    expect(shapeUserinfo({ ...base, scopes: ['profile'] })).toEqual({
      sub: '42',
      id: 42,
      username: 'alice',
      email: 'alice@example.com',
      email_verified: false,
      created_time: 1714564800,
      status: 1,
    });
  });

  it('balance adds quota, used_quota, balance_formatted and the balance object', () => {
    expect(shapeUserinfo({ ...base, scopes: ['balance'] })).toEqual({
      sub: '42',
      id: 42,
      quota: 375_000_000,
      used_quota: 1_250_000,
      balance_formatted: '750.00',
      balance: { amount: '750.00', currency: 'USD', quota: 375_000_000, as_of: now.getTime() },
    });
  });

  it('with openid adds the standard claims of the granted scopes beside the guide fields', () => {
    expect(shapeUserinfo({ ...base, balance: null, scopes: ['openid', 'profile', 'email'] })).toEqual({
      sub: '42',
      id: 42,
      username: 'alice',
      email: 'alice@example.com',
      created_time: 1714564800,
      status: 1,
      email_verified: false,
      preferred_username: 'alice',
      name: 'alice',
      updated_at: 1714564800,
    });
    expect(shapeUserinfo({ ...base, scopes: ['openid'] })).toEqual({ sub: '42', id: 42 });
    expect(shapeUserinfo({ ...base, scopes: ['email'] })).toEqual({
      sub: '42',
      id: 42,
      email: 'alice@example.com',
      email_verified: false,
    });
  });

  it('uses the configured quota per unit and currency', () => {
    const info = shapeUserinfo({ ...base, scopes: ['balance'], quotaPerUnit: 1000n, currency: 'EUR' });
    expect(info.balance_formatted).toBe('375000.00');
    expect(info.balance).toMatchObject({ amount: '375000.00', currency: 'EUR' });
  });

  it('shows a missing balance row as zero, never as a guess', () => {
    const info = shapeUserinfo({ ...base, balance: null, scopes: ['balance'] });
    expect(info).toMatchObject({ quota: 0, used_quota: 0, balance_formatted: '0.00' });
  });
});

describe('quota as a JSON number', () => {
  it('is exact up to 2^53 - 1 and refuses more', () => {
    expect(quotaToJson(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => quotaToJson(9_007_199_254_740_992n)).toThrow(RangeError);
  });
});
