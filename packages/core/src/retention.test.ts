import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { RETENTION_KINDS, retentionCutoffs } from './retention.js';

const DAY = 86_400_000;

describe('retentionCutoffs', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const days = (d: Date) => (now.getTime() - d.getTime()) / DAY;

  it('keeps each kind for its documented margin and audit events AUDIT_RETENTION_DAYS', () => {
    const cutoffs = retentionCutoffs(now, { auditRetentionDays: 400 });
    expect(Object.fromEntries(Object.entries(cutoffs).map(([kind, d]) => [kind, days(d)]))).toEqual({
      refreshTokenLegacyHashes: 30,
      refreshTokenFamilies: 30,
      emailTokens: 1,
      idempotencyKeys: 1,
      webhookEvents: 30,
      auditEvents: 400,
    });
  });

  it('takes the audit retention from the configuration (default 400 days)', () => {
    expect(loadConfig({ ISSUER: 'http://localhost:3000' }).auditRetentionDays).toBe(400);
    const config = loadConfig({ ISSUER: 'http://localhost:3000', AUDIT_RETENTION_DAYS: '30' });
    expect(days(retentionCutoffs(now, config).auditEvents)).toBe(30);
    expect(() => loadConfig({ ISSUER: 'http://localhost:3000', AUDIT_RETENTION_DAYS: '0' })).toThrow(
      /AUDIT_RETENTION_DAYS/,
    );
  });

  it('deletes a family’s legacy hashes before the family, so no delete cascades', () => {
    expect(RETENTION_KINDS.indexOf('refreshTokenLegacyHashes')).toBeLessThan(
      RETENTION_KINDS.indexOf('refreshTokenFamilies'),
    );
    expect([...RETENTION_KINDS].sort()).toEqual(
      Object.keys(retentionCutoffs(now, { auditRetentionDays: 1 })).sort(),
    );
  });
});
