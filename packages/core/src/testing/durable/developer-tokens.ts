import { describe, expect, it } from 'vitest';
import { createUser, type OpenDurableStores, randomHash, useStores } from './fixtures.js';

export function describeDeveloperTokenStoreContract(open: OpenDurableStores): void {
  describe('DeveloperTokenStore', () => {
    const stores = useStores(open);

    it('creates a token and finds it by hash while it is active', async () => {
      const user = await createUser(stores());
      const tokenHash = randomHash();
      const token = await stores().developerTokens.create({ userId: user.id, name: 'CI', tokenHash });
      expect(token).toMatchObject({
        userId: user.id,
        name: 'CI',
        tokenHash,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(token.id).toBeGreaterThan(0);
      expect(await stores().developerTokens.findActiveByHash(tokenHash)).toEqual(token);
      expect(await stores().developerTokens.findActiveByHash(randomHash())).toBeNull();
    });

    it('refuses a second token with the same hash', async () => {
      const user = await createUser(stores());
      const tokenHash = randomHash();
      await stores().developerTokens.create({ userId: user.id, name: 'a', tokenHash });
      await expect(
        stores().developerTokens.create({ userId: user.id, name: 'b', tokenHash }),
      ).rejects.toMatchObject({ name: 'DuplicateError' });
    });

    it("lists the user's active tokens, newest first", async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const create = (userId: number, name: string) =>
        stores().developerTokens.create({ userId, name, tokenHash: randomHash() });
      const first = await create(user.id, 'first');
      const second = await create(user.id, 'second');
      const revoked = await create(user.id, 'revoked');
      await create(other.id, 'foreign');
      await stores().developerTokens.revoke(revoked.id, user.id, new Date());
      expect((await stores().developerTokens.listByUser(user.id)).map((t) => t.id)).toEqual([
        second.id,
        first.id,
      ]);
    });

    it('revokes only the owner’s token, once', async () => {
      const owner = await createUser(stores());
      const intruder = await createUser(stores());
      const token = await stores().developerTokens.create({
        userId: owner.id,
        name: 'deploy',
        tokenHash: randomHash(),
      });
      expect(await stores().developerTokens.revoke(token.id, intruder.id, new Date())).toBe(false);
      expect(await stores().developerTokens.findActiveByHash(token.tokenHash)).not.toBeNull();

      expect(await stores().developerTokens.revoke(token.id, owner.id, new Date())).toBe(true);
      expect(await stores().developerTokens.findActiveByHash(token.tokenHash)).toBeNull();
      expect(await stores().developerTokens.revoke(token.id, owner.id, new Date())).toBe(false);
      expect(await stores().developerTokens.revoke(2_000_000_000, owner.id, new Date())).toBe(false);
    });
  });
}
