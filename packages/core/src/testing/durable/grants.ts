import { describe, expect, it } from 'vitest';
import {
  createClient,
  createUser,
  newRefreshToken,
  type OpenDurableStores,
  presentedToken,
  sortedScopes,
  unique,
  useStores,
} from './fixtures.js';

export function describeGrantStoreContract(open: OpenDurableStores): void {
  describe('GrantStore', () => {
    const stores = useStores(open);

    async function userAndClient() {
      return { user: await createUser(stores()), client: await createClient(stores()) };
    }

    it('records consent and finds it', async () => {
      const { user, client } = await userAndClient();
      expect(await stores().grants.find(user.id, client.id)).toBeNull();
      const grant = await stores().grants.upsert(user.id, client.id, ['profile']);
      expect(grant).toMatchObject({ userId: user.id, clientId: client.id, scopes: ['profile'] });
      expect(grant.createdAt).toBeInstanceOf(Date);
      expect(await stores().grants.find(user.id, client.id)).toEqual(grant);
    });

    it('keeps the union of old and new scopes, each once', async () => {
      const { user, client } = await userAndClient();
      const first = await stores().grants.upsert(user.id, client.id, ['profile']);
      const second = await stores().grants.upsert(user.id, client.id, ['balance', 'profile', 'balance']);
      expect(sortedScopes(second.scopes)).toEqual(['balance', 'profile']);
      expect(second.createdAt).toEqual(first.createdAt);
      expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      // A narrower consent later never takes scopes away.
      const third = await stores().grants.upsert(user.id, client.id, ['profile']);
      expect(sortedScopes(third.scopes)).toEqual(['balance', 'profile']);
    });

    it('loses no scope when consents for one client race', async () => {
      const { user, client } = await userAndClient();
      const scopes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      await Promise.all(scopes.map((scope) => stores().grants.upsert(user.id, client.id, [scope])));
      expect(sortedScopes((await stores().grants.find(user.id, client.id))?.scopes ?? [])).toEqual(scopes);
    });

    it("lists only the user's own grants", async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const [c1, c2] = [await createClient(stores()), await createClient(stores())];
      await stores().grants.upsert(user.id, c1.id, ['profile']);
      await stores().grants.upsert(user.id, c2.id, ['balance']);
      await stores().grants.upsert(other.id, c1.id, ['profile']);
      const listed = await stores().grants.listByUser(user.id);
      expect(listed.map((g) => g.clientId).sort()).toEqual([c1.id, c2.id].sort());
      expect(listed.every((g) => g.userId === user.id)).toBe(true);
    });

    it('stores the allowance chosen with consent in the same upsert (SEC-85)', async () => {
      const { user, client } = await userAndClient();
      const none = await stores().grants.upsert(user.id, client.id, ['profile']);
      expect(none.allowance).toBeNull();
      const allowance = { limit: 2_500_000n, period: 'week' as const };
      const grant = await stores().grants.upsert(user.id, client.id, ['charge'], allowance);
      expect(grant.allowance).toEqual(allowance);
      expect(sortedScopes(grant.scopes)).toEqual(['charge', 'profile']);
      expect((await stores().grants.find(user.id, client.id))?.allowance).toEqual(allowance);
      expect(await stores().charges.getAllowance(user.id, client.id)).toEqual(allowance);
    });

    it('never replaces a stored allowance with a later consent (SEC-88)', async () => {
      const { user, client } = await userAndClient();
      const first = { limit: 500n, period: 'month' as const };
      await stores().grants.upsert(user.id, client.id, ['charge'], first);
      const later = await stores().grants.upsert(user.id, client.id, ['charge', 'profile'], {
        limit: 900n,
        period: 'day',
      });
      expect(later.allowance).toEqual(first);
      expect((await stores().grants.upsert(user.id, client.id, ['profile'])).allowance).toEqual(first);
    });

    it('keeps exactly one of two racing first allowances, limit and period together', async () => {
      const { user, client } = await userAndClient();
      const choices = [
        { limit: 100n, period: 'day' as const },
        { limit: 700n, period: 'total' as const },
      ];
      await Promise.all(choices.map((a) => stores().grants.upsert(user.id, client.id, ['charge'], a)));
      const stored = (await stores().grants.find(user.id, client.id))?.allowance;
      expect(choices).toContainEqual(stored);
    });

    it('shows no allowance once charge is removed from the grant', async () => {
      const { user, client } = await userAndClient();
      await stores().grants.upsert(user.id, client.id, ['charge', 'profile'], { limit: 5n, period: 'day' });
      expect(await stores().charges.setAllowance(user.id, client.id, null)).toBe(true);
      const grant = await stores().grants.find(user.id, client.id);
      expect(grant?.scopes).toEqual(['profile']);
      expect(grant?.allowance).toBeNull();
    });

    it('writes the audit event it is given in the same transaction as the consent', async () => {
      const { user, client } = await userAndClient();
      const type = unique('test.consent.');
      const grant = await stores().grants.upsert(user.id, client.id, ['profile'], null, (granted) => ({
        type,
        actor: `user:${user.id}`,
        userId: user.id,
        data: { scopes: granted.scopes },
      }));
      const [event] = await stores().audit.list({ type, limit: 10 });
      expect(event).toMatchObject({ userId: user.id, data: { scopes: grant.scopes } });
    });

    it('rolls the consent back when its audit event cannot be written', async () => {
      const { user, client } = await userAndClient();
      await stores().grants.upsert(user.id, client.id, ['profile']);
      const type = unique('test.consent.');
      // A user id out of the column's range: the database refuses the audit row.
      const refused = stores().grants.upsert(user.id, client.id, ['balance'], null, () => ({
        type,
        actor: 'system',
        userId: 2 ** 31,
      }));
      await expect(refused).rejects.toThrow();
      expect((await stores().grants.find(user.id, client.id))?.scopes).toEqual(['profile']);
      expect(await stores().audit.list({ type, limit: 10 })).toEqual([]);
    });

    it('deletes the consent record but leaves tokens to the caller', async () => {
      const { user, client } = await userAndClient();
      await stores().grants.upsert(user.id, client.id, ['profile']);
      const token = newRefreshToken(user, client);
      expect(await stores().refreshTokens.createForActiveUser(token)).toBe(true);
      expect(await stores().grants.delete(user.id, client.id)).toBe(true);
      expect(await stores().grants.find(user.id, client.id)).toBeNull();
      expect(await stores().grants.delete(user.id, client.id)).toBe(false);
      expect((await stores().refreshTokens.find(presentedToken(token.value)))?.revokedAt).toBeNull();
    });
  });
}
