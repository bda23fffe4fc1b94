import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, User } from '../../ports/index.js';
import {
  countKinds,
  createClient,
  createUser,
  DAY_MS,
  expectKind,
  newRefreshToken,
  type OpenDurableStores,
  unique,
  useStores,
} from './fixtures.js';

export function describeRefreshTokenStoreContract(open: OpenDurableStores): void {
  describe('RefreshTokenStore', () => {
    const stores = useStores(open);
    let user: User;
    let client: Client;
    beforeAll(async () => {
      user = await createUser(stores());
      client = await createClient(stores());
    });

    /** A live token plus the successor a rotation of it would store. */
    async function liveToken() {
      const token = newRefreshToken(user, client);
      await stores().refreshTokens.create(token);
      const next = newRefreshToken(user, client, { familyId: token.familyId, expiresAt: token.expiresAt });
      return { token, next };
    }

    it('stores a token and finds it by hash', async () => {
      const { token } = await liveToken();
      const found = await stores().refreshTokens.findByHash(token.tokenHash);
      expect(found).toEqual({
        ...token,
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
        createdAt: expect.any(Date),
      });
      expect(await stores().refreshTokens.findByHash(unique('missing'))).toBeNull();
    });

    it('refuses a second token with the same hash', async () => {
      const { token } = await liveToken();
      await expect(stores().refreshTokens.create(token)).rejects.toMatchObject({ name: 'DuplicateError' });
    });

    it('rotates a live token: the old one is spent, the new one stored and live', async () => {
      const { token, next } = await liveToken();
      const now = new Date();
      const result = expectKind(await stores().refreshTokens.rotate(token.tokenHash, next, now), 'rotated');
      expect(result.previous).toMatchObject({
        tokenHash: token.tokenHash,
        familyId: token.familyId,
        scopes: token.scopes,
        replacedByHash: next.tokenHash,
        revokedAt: null,
      });
      expect(result.previous.rotatedAt?.getTime()).toBe(now.getTime());
      expect(await stores().refreshTokens.findByHash(next.tokenHash)).toMatchObject({
        ...next,
        rotatedAt: null,
        revokedAt: null,
      });
      expect((await stores().refreshTokens.findByHash(token.tokenHash))?.replacedByHash).toBe(next.tokenHash);
    });

    it("never lets a successor outlive the family's absolute expiry", async () => {
      const { token } = await liveToken();
      const greedy = newRefreshToken(user, client, {
        familyId: token.familyId,
        expiresAt: new Date(token.expiresAt.getTime() + DAY_MS),
      });
      expectKind(await stores().refreshTokens.rotate(token.tokenHash, greedy, new Date()), 'rotated');
      expect((await stores().refreshTokens.findByHash(greedy.tokenHash))?.expiresAt).toEqual(token.expiresAt);
    });

    it('reports a second rotation of a spent token as reuse and stores nothing', async () => {
      const { token, next } = await liveToken();
      await stores().refreshTokens.rotate(token.tokenHash, next, new Date());
      const again = newRefreshToken(user, client, { familyId: token.familyId });
      const result = expectKind(
        await stores().refreshTokens.rotate(token.tokenHash, again, new Date()),
        'reused',
      );
      expect(result.previous).toMatchObject({ tokenHash: token.tokenHash, replacedByHash: next.tokenHash });
      expect(await stores().refreshTokens.findByHash(again.tokenHash)).toBeNull();
    });

    it('reports rotation of a revoked token as reuse', async () => {
      const { token, next } = await liveToken();
      await stores().refreshTokens.revokeFamily(token.familyId, new Date());
      expectKind(await stores().refreshTokens.rotate(token.tokenHash, next, new Date()), 'reused');
      expect(await stores().refreshTokens.findByHash(next.tokenHash)).toBeNull();
    });

    it('answers not_found for an unknown token and stores nothing', async () => {
      const { next } = await liveToken();
      expectKind(await stores().refreshTokens.rotate(unique('missing'), next, new Date()), 'not_found');
      expect(await stores().refreshTokens.findByHash(next.tokenHash)).toBeNull();
    });

    it('lets exactly one of 25 concurrent rotations of one token through', async () => {
      const { token } = await liveToken();
      const successors = Array.from({ length: 25 }, () =>
        newRefreshToken(user, client, { familyId: token.familyId, expiresAt: token.expiresAt }),
      );
      const results = await Promise.all(
        successors.map((next) => stores().refreshTokens.rotate(token.tokenHash, next, new Date())),
      );
      expect(countKinds(results)).toEqual({ rotated: 1, reused: 24 });
      const stored = await Promise.all(
        successors.map((next) => stores().refreshTokens.findByHash(next.tokenHash)),
      );
      expect(stored.filter((found) => found !== null)).toHaveLength(1);
    });

    it('revokes a whole family and counts the tokens that were live', async () => {
      const { token, next } = await liveToken();
      await stores().refreshTokens.rotate(token.tokenHash, next, new Date());
      const { token: bystander } = await liveToken();
      const now = new Date();
      expect(await stores().refreshTokens.revokeFamily(token.familyId, now)).toBe(1);
      for (const hash of [token.tokenHash, next.tokenHash]) {
        expect((await stores().refreshTokens.findByHash(hash))?.revokedAt?.getTime()).toBe(now.getTime());
      }
      expect((await stores().refreshTokens.findByHash(bystander.tokenHash))?.revokedAt).toBeNull();
      expect(await stores().refreshTokens.revokeFamily(token.familyId, new Date())).toBe(0);
    });

    it("revokes all of a user's families, or only those of one client", async () => {
      const owner = await createUser(stores());
      const other = await createUser(stores());
      const [c1, c2] = [await createClient(stores()), await createClient(stores())];
      const t1 = newRefreshToken(owner, c1);
      const t2 = newRefreshToken(owner, c1);
      const t3 = newRefreshToken(owner, c2);
      const foreign = newRefreshToken(other, c1);
      for (const t of [t1, t2, t3, foreign]) await stores().refreshTokens.create(t);

      const forC1 = await stores().refreshTokens.revokeForUser(owner.id, c1.id, new Date());
      expect(forC1.sort()).toEqual([t1.familyId, t2.familyId].sort());
      expect((await stores().refreshTokens.findByHash(t3.tokenHash))?.revokedAt).toBeNull();

      expect(await stores().refreshTokens.revokeForUser(owner.id, null, new Date())).toEqual([t3.familyId]);
      expect(await stores().refreshTokens.revokeForUser(owner.id, null, new Date())).toEqual([]);
      expect((await stores().refreshTokens.findByHash(foreign.tokenHash))?.revokedAt).toBeNull();
    });

    it('revokes every family of a client, whoever the user', async () => {
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      const [target, other] = [await createClient(stores()), await createClient(stores())];
      const ta = newRefreshToken(a, target);
      const tb = newRefreshToken(b, target);
      const elsewhere = newRefreshToken(a, other);
      for (const t of [ta, tb, elsewhere]) await stores().refreshTokens.create(t);
      // A rotated family is reported once, not once per token.
      await stores().refreshTokens.rotate(
        ta.tokenHash,
        newRefreshToken(a, target, { familyId: ta.familyId }),
        new Date(),
      );

      const families = await stores().refreshTokens.revokeForClient(target.id, new Date());
      expect(families.sort()).toEqual([ta.familyId, tb.familyId].sort());
      expect((await stores().refreshTokens.findByHash(elsewhere.tokenHash))?.revokedAt).toBeNull();
      expect(await stores().refreshTokens.revokeForClient(target.id, new Date())).toEqual([]);
    });
  });
}
