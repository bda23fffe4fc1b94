import { describe, expect, it, vi } from 'vitest';
import { sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import type { LedgerEntry, NewAuditEvent, RedeemResult } from '../ports/index.js';
import { type RedeemTopupContext, redeemTopup, topupCredit, topupRefusal } from './redeem-topup.js';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('topupRefusal', () => {
  it('redeems an unused code without expiry or expiring later', () => {
    expect(topupRefusal({ redeemedAt: null, expiresAt: null }, NOW)).toBeNull();
    expect(topupRefusal({ redeemedAt: null, expiresAt: at(1) }, NOW)).toBeNull();
  });

  it('refuses an unknown code as not_found', () => {
    expect(topupRefusal(undefined, NOW)).toBe('not_found');
  });

  it('refuses a redeemed code as used, expired or not', () => {
    expect(topupRefusal({ redeemedAt: at(-1000), expiresAt: null }, NOW)).toBe('used');
    expect(topupRefusal({ redeemedAt: at(-1000), expiresAt: at(-1) }, NOW)).toBe('used');
    expect(topupRefusal({ redeemedAt: at(-1000), expiresAt: at(1000) }, NOW)).toBe('used');
  });

  it('refuses a code at or past its expiry as expired', () => {
    expect(topupRefusal({ redeemedAt: null, expiresAt: NOW }, NOW)).toBe('expired');
    expect(topupRefusal({ redeemedAt: null, expiresAt: at(-1) }, NOW)).toBe('expired');
  });
});

describe('topupCredit', () => {
  it('keys the credit by the code and names the batch', () => {
    expect(topupCredit('abc', 'batch-1')).toEqual({
      idempotencyKey: 'topup:abc',
      actor: 'topup-code:batch-1',
      reference: 'batch-1',
    });
  });
});

describe('redeemTopup', () => {
  const code = `${TOKEN_PREFIX.topupCode}${'A'.repeat(43)}`;
  const entry: LedgerEntry = {
    id: 7,
    userId: 1,
    amount: 500n,
    kind: 'topup',
    reference: 'batch-1',
    idempotencyKey: 'topup:x',
    actor: 'topup-code:batch-1',
    balanceAfter: 500n,
    createdAt: NOW,
  };

  function context(result: RedeemResult, allowed = true) {
    const audit: NewAuditEvent[] = [];
    const redeem = vi.fn(async () => result);
    const failed = vi.fn(async () => {});
    const ctx: RedeemTopupContext = {
      stores: {
        db: {
          topupCodes: { redeem },
          audit: {
            append: async (event) => {
              audit.push(event);
            },
          },
        },
      },
      throttle: {
        attempt: async () => (allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: 60 }),
        failed,
      },
      reportAuditFailure: () => {},
    };
    return { ctx, audit, redeem, failed };
  }

  const attempt = (typed: string) => ({
    userId: 1,
    typed,
    client: { id: 3, clientId: 'gh_app' },
    now: NOW,
    ip: '192.0.2.1',
  });

  it('redeems the trimmed code by its hash and audits the batch, never the code', async () => {
    const { ctx, audit, redeem, failed } = context({ kind: 'redeemed', entry });
    expect(await redeemTopup(ctx, attempt(`  ${code}\n`))).toEqual({ kind: 'redeemed', entry });
    expect(redeem).toHaveBeenCalledWith(sha256Hex(code), 1, NOW, 3);
    expect(failed).not.toHaveBeenCalled();
    expect(audit).toEqual([
      expect.objectContaining({
        type: 'balance.topup',
        userId: 1,
        clientId: 'gh_app',
        actor: 'user:1',
        ip: '192.0.2.1',
        data: { batch_id: 'batch-1', ledger_entry_id: 7, quota: '500' },
      }),
    ]);
  });

  it('asks for a code when none is typed: not throttled, not looked up, not audited', async () => {
    const { ctx, audit, redeem, failed } = context({ kind: 'not_found' });
    expect(await redeemTopup(ctx, attempt('   '))).toEqual({ kind: 'empty' });
    expect(redeem).not.toHaveBeenCalled();
    expect(failed).not.toHaveBeenCalled();
    expect(audit).toEqual([]);
  });

  it('a throttled attempt is not looked up and not audited (SEC-25)', async () => {
    const { ctx, audit, redeem } = context({ kind: 'not_found' }, false);
    expect(await redeemTopup(ctx, attempt(code))).toEqual({ kind: 'throttled', retryAfterSeconds: 60 });
    expect(redeem).not.toHaveBeenCalled();
    expect(audit).toEqual([]);
  });

  it('a malformed code is not looked up, answers not_found and counts as a failure', async () => {
    const { ctx, audit, redeem, failed } = context({ kind: 'used' });
    expect(await redeemTopup(ctx, attempt('gth_tc_short'))).toEqual({ kind: 'not_found' });
    expect(redeem).not.toHaveBeenCalled();
    expect(failed).toHaveBeenCalledWith(1);
    expect(audit.map((e) => e.data)).toEqual([{ reason: 'malformed' }]);
  });

  it.each(['not_found', 'used', 'expired'] as const)('a %s code counts as a failure', async (kind) => {
    const { ctx, audit, failed } = context({ kind });
    expect(await redeemTopup(ctx, attempt(code))).toEqual({ kind });
    expect(failed).toHaveBeenCalledWith(1);
    expect(audit.map((e) => [e.type, e.data])).toEqual([['balance.topup_failed', { reason: kind }]]);
  });

  it('a code over the balance cap is audited but not counted as a guess (SEC-32)', async () => {
    const { ctx, audit, failed } = context({ kind: 'balance_limit' });
    expect(await redeemTopup(ctx, attempt(code))).toEqual({ kind: 'balance_limit' });
    expect(failed).not.toHaveBeenCalled();
    expect(audit.map((e) => e.data)).toEqual([{ reason: 'balance_limit' }]);
  });

  it('without an app, redeems with no client and audits none', async () => {
    const { ctx, audit, redeem } = context({ kind: 'redeemed', entry });
    await redeemTopup(ctx, { ...attempt(code), client: null });
    expect(redeem).toHaveBeenCalledWith(sha256Hex(code), 1, NOW, null);
    expect(audit[0]).toMatchObject({ clientId: null });
  });
});
