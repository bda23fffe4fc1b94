import { describe, expect, it } from 'vitest';
import { periodStart } from '../../charges/period.js';
import { sha256Hex } from '../../crypto.js';
import type { Client, User } from '../../ports/index.js';
import {
  createClient,
  createUser,
  expectKind,
  newLegacyRefreshToken,
  newRefreshToken,
  type OpenDurableStoresWithLegacyTokens,
  presentedToken,
  unique,
  useUnderTest,
} from './fixtures.js';

const DAY = 86_400_000;

/**
 * RetentionStore (SEC-96): each kind deletes exactly its records that ended before the cut-off,
 * at most `limit` per call, and nothing alive. The suite has its stores to itself, so the
 * counts it sees are its own records.
 */
export function describeRetentionStoreContract(open: OpenDurableStoresWithLegacyTokens): void {
  describe('RetentionStore', () => {
    const underTest = useUnderTest(open);
    const stores = () => underTest().stores;
    const retention = () => stores().retention;
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);

    async function grantee(): Promise<{ user: User; client: Client }> {
      return { user: await createUser(stores()), client: await createClient(stores()) };
    }

    it('deletes refresh-token families expired or revoked before the cut-off, legacy hashes first', async () => {
      const { user, client } = await grantee();
      const tokens = stores().refreshTokens;
      // From before family keys: findable by their hash alone.
      const expiredLegacy = newLegacyRefreshToken(user, client, { expiresAt: ago(40) });
      const aliveLegacy = newLegacyRefreshToken(user, client, { expiresAt: new Date(now.getTime() + DAY) });
      for (const token of [expiredLegacy, aliveLegacy]) await underTest().seedLegacyRefreshToken(token);
      const expired = newRefreshToken(user, client, { expiresAt: ago(40) });
      const revoked = newRefreshToken(user, client);
      const recentlyRevoked = newRefreshToken(user, client);
      const alive = newRefreshToken(user, client);
      for (const token of [expired, revoked, recentlyRevoked, alive]) {
        expect(await tokens.createForActiveUser(token)).toBe(true);
      }
      await tokens.revokeFamily(revoked.familyId, ago(40));
      await tokens.revokeFamily(recentlyRevoked.familyId, ago(10));
      const cutoff = ago(30);

      expect(await retention().deleteEnded('refreshTokenLegacyHashes', cutoff, 10)).toBe(1);
      expect(await tokens.find(presentedToken(expiredLegacy.value))).toBeNull();
      expect(await tokens.find(presentedToken(aliveLegacy.value))).not.toBeNull();
      expect(await retention().deleteEnded('refreshTokenFamilies', cutoff, 10)).toBe(3);
      for (const token of [expired, revoked])
        expect(await tokens.find(presentedToken(token.value))).toBeNull();
      for (const token of [recentlyRevoked, alive]) {
        expect(await tokens.find(presentedToken(token.value))).not.toBeNull();
      }
      expect(await retention().deleteEnded('refreshTokenFamilies', cutoff, 10)).toBe(0);
    });

    it('deletes e-mail links used or expired before the cut-off, never a live one', async () => {
      const { user } = await grantee();
      const issue = async (purpose: 'verify_email' | 'reset_password', expiresAt: Date) => {
        const tokenHash = sha256Hex(unique('mail'));
        await stores().emailTokens.issue(
          { tokenHash, userId: user.id, purpose, email: user.email, expiresAt },
          ago(50),
        );
        return tokenHash;
      };
      await issue('verify_email', ago(3)); // expired
      const used = await issue('reset_password', new Date(now.getTime() + DAY));
      expect(await stores().emailTokens.consume(used, 'reset_password', ago(2))).not.toBeNull();
      const { user: other } = await grantee();
      const live = sha256Hex(unique('mail'));
      const liveToken = {
        tokenHash: live,
        userId: other.id,
        purpose: 'verify_email' as const,
        email: other.email,
      };
      await stores().emailTokens.issue({ ...liveToken, expiresAt: new Date(now.getTime() + DAY) }, now);

      expect(await retention().deleteEnded('emailTokens', ago(4), 10)).toBe(0);
      expect(await retention().deleteEnded('emailTokens', ago(1), 10)).toBe(2);
      expect(await stores().emailTokens.peek(live, 'verify_email', now)).not.toBeNull();
      expect(await retention().deleteEnded('emailTokens', ago(1), 10)).toBe(0);
    });

    it('deletes idempotency keys created before the cut-off: the key then starts a new request', async () => {
      const { user, client } = await grantee();
      await stores().ledger.apply({ userId: user.id, amount: 1000n, kind: 'credit', actor: 'admin' });
      await stores().grants.upsert(user.id, client.id, ['profile', 'charge']);
      const allowance = { limit: 1000n, period: 'total' as const };
      await stores().charges.setAllowance(user.id, client.id, allowance);
      const key = { scope: `client:${client.id}:user:${user.id}`, key: unique('key'), fingerprint: 'f' };
      const charge = () => ({
        id: unique('ch_'),
        userId: user.id,
        clientId: client.id,
        amount: 1n,
        capture: true,
        description: 'retention',
        reference: null,
        allowance,
        periodStart: periodStart('total', now),
        holdExpiresAt: null,
        now: new Date(),
      });
      const render = () => ({ status: 201, body: null });
      expectKind(await stores().charges.create(charge(), key, render), 'created');
      expect(await retention().deleteEnded('idempotencyKeys', ago(1), 10)).toBe(0);
      expectKind(await stores().charges.create(charge(), key, render), 'replayed');
      expect(await retention().deleteEnded('idempotencyKeys', new Date(Date.now() + 60_000), 10)).toBe(1);
      expectKind(await stores().charges.create(charge(), key, render), 'created');
    });

    it('deletes delivered and failed webhook events created before the cut-off, never a pending one', async () => {
      const { client } = await grantee();
      const record = async (createdAt: Date, outcome: 'succeeded' | 'failed' | null) => {
        const id = unique('evt_');
        await stores().webhooks.record({
          id,
          clientId: client.id,
          type: 'webhook.test',
          data: {},
          createdAt,
        });
        if (outcome) {
          await stores().webhooks.recordAttempt({
            eventId: id,
            succeeded: outcome === 'succeeded',
            final: true,
            responseCode: outcome === 'succeeded' ? 200 : 500,
            error: outcome === 'succeeded' ? null : 'HTTP 500',
            at: createdAt,
          });
        }
        return id;
      };
      const delivered = await record(ago(40), 'succeeded');
      const failed = await record(ago(40), 'failed');
      const pending = await record(ago(40), null);
      const recent = await record(ago(5), 'succeeded');
      expect(await retention().deleteEnded('webhookEvents', ago(30), 10)).toBe(2);
      for (const id of [delivered, failed]) expect(await stores().webhooks.get(id)).toBeNull();
      for (const id of [pending, recent]) expect(await stores().webhooks.get(id)).not.toBeNull();
    });

    it('deletes audit events created before the cut-off, at most `limit` per call', async () => {
      const { user } = await grantee();
      for (let i = 0; i < 3; i++)
        await stores().audit.append({ type: 'retention.test', userId: user.id, actor: 'test' });
      const listed = () => stores().audit.list({ userId: user.id, limit: 10 });
      expect(await retention().deleteEnded('auditEvents', ago(1), 10)).toBe(0);
      expect(await listed()).toHaveLength(3);
      const later = new Date(Date.now() + 60_000);
      expect(await retention().deleteEnded('auditEvents', later, 2)).toBe(2);
      expect(await listed()).toHaveLength(1);
      expect(await retention().deleteEnded('auditEvents', later, 2)).toBe(1);
      expect(await retention().deleteEnded('auditEvents', later, 2)).toBe(0);
    });
  });
}
