import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, NewRefreshToken, RotationRequest, User } from '../../ports/index.js';
import {
  countKinds,
  createClient,
  createUser,
  expectKind,
  newRefreshToken,
  type OpenDurableStores,
  randomHash,
  sortedScopes,
  unique,
  useStores,
} from './fixtures.js';
import { describeRefreshRefusalProperty } from './refresh-refusal.js';

export function describeRefreshTokenStoreContract(open: OpenDurableStores): void {
  describe('RefreshTokenStore', () => {
    const stores = useStores(open);
    let user: User;
    let client: Client;
    beforeAll(async () => {
      user = await createUser(stores());
      client = await createClient(stores());
    });

    /** A live token of `client` (by default for `user`), stored. */
    async function liveToken(overrides: Partial<NewRefreshToken> = {}) {
      const token = newRefreshToken(user, client, overrides);
      await stores().refreshTokens.create(token);
      return token;
    }

    /** The rotation the token endpoint would ask for, with a fresh successor hash. */
    function rotation(token: NewRefreshToken, overrides: Partial<RotationRequest> = {}): RotationRequest {
      return {
        oldHash: token.tokenHash,
        clientId: token.clientId,
        nextHash: randomHash(),
        requestedScopes: [],
        now: new Date(),
        ...overrides,
      };
    }

    const find = (hash: string) => stores().refreshTokens.findByHash(hash);

    describeRefreshRefusalProperty(stores);

    /** Asserts the rotation was refused, changed nothing and stored no successor. */
    async function expectRefused(token: NewRefreshToken, request: RotationRequest) {
      const before = await find(token.tokenHash);
      const result = expectKind(await stores().refreshTokens.rotate(request), 'refused');
      expect(result.current).toEqual(before);
      expect(await find(token.tokenHash)).toEqual(before);
      expect(await find(request.nextHash)).toBeNull();
      return result;
    }

    it('stores a token and finds it by hash', async () => {
      const token = await liveToken();
      const found = await find(token.tokenHash);
      expect(found).toEqual({
        ...token,
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
        createdAt: expect.any(Date),
      });
      expect(await find(unique('missing'))).toBeNull();
    });

    it('refuses a second token with the same hash', async () => {
      const token = await liveToken();
      await expect(stores().refreshTokens.create(token)).rejects.toMatchObject({ name: 'DuplicateError' });
    });

    it('stores the first token of a family only while its user is active', async () => {
      const token = newRefreshToken(user, client, {
        scopes: ['openid', 'profile', 'balance'],
        authTime: 1_700_000_001,
        sid: 'sid-2',
      });
      expect(await stores().refreshTokens.createForActiveUser(token)).toBe(true);
      expect(await find(token.tokenHash)).toEqual({
        ...token,
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
        createdAt: expect.any(Date),
      });

      const disabled = await createUser(stores());
      await stores().users.setStatus(disabled.id, 'disabled');
      const refused = newRefreshToken(disabled, client);
      expect(await stores().refreshTokens.createForActiveUser(refused)).toBe(false);
      expect(await find(refused.tokenHash)).toBeNull();

      const orphan = newRefreshToken({ ...user, id: 2_000_000_000 }, client);
      expect(await stores().refreshTokens.createForActiveUser(orphan)).toBe(false);
      expect(await find(orphan.tokenHash)).toBeNull();
    });

    it('rotates a live token: the old one is spent, the successor inherits family, scope, expiry, auth_time and sid', async () => {
      const token = await liveToken({
        scopes: ['profile', 'balance'],
        authTime: 1_700_000_000,
        sid: 'sid-1',
      });
      const request = rotation(token);
      const result = expectKind(await stores().refreshTokens.rotate(request), 'rotated');
      expect(result.previous).toEqual({
        ...token,
        rotatedAt: request.now,
        replacedByHash: request.nextHash,
        revokedAt: null,
        createdAt: expect.any(Date),
      });
      expect(await find(request.nextHash)).toEqual({
        tokenHash: request.nextHash,
        familyId: token.familyId,
        clientId: token.clientId,
        userId: token.userId,
        scopes: token.scopes,
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
        createdAt: request.now,
        expiresAt: token.expiresAt,
        authTime: 1_700_000_000,
        sid: 'sid-1',
      });
      expect((await find(token.tokenHash))?.replacedByHash).toBe(request.nextHash);
    });

    it('rotates when the requested scopes are covered; the successor keeps the full scope', async () => {
      const token = await liveToken({ scopes: ['profile', 'balance'] });
      const request = rotation(token, { requestedScopes: ['balance'] });
      expectKind(await stores().refreshTokens.rotate(request), 'rotated');
      expect(sortedScopes((await find(request.nextHash))!.scopes)).toEqual(['balance', 'profile']);
    });

    it('refuses a scope the token does not cover', async () => {
      const token = await liveToken({ scopes: ['profile'] });
      await expectRefused(token, rotation(token, { requestedScopes: ['profile', 'balance'] }));
    });

    it("refuses another client's token", async () => {
      const token = await liveToken();
      const other = await createClient(stores());
      await expectRefused(token, rotation(token, { clientId: other.id }));
    });

    it('refuses a token past its absolute expiry', async () => {
      const token = await liveToken({ expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 1000) });
      await expectRefused(token, rotation(token));
    });

    it('refuses when the user is no longer active', async () => {
      const owner = await createUser(stores());
      const token = newRefreshToken(owner, client);
      await stores().refreshTokens.create(token);
      await stores().users.setStatus(owner.id, 'disabled');
      await expectRefused(token, rotation(token));
    });

    it('refuses a spent token and reports it as stored (a reuse)', async () => {
      const token = await liveToken();
      const first = rotation(token);
      await stores().refreshTokens.rotate(first);
      const result = await expectRefused(token, rotation(token));
      expect(result.current).toMatchObject({ rotatedAt: first.now, replacedByHash: first.nextHash });
    });

    it('refuses a revoked token', async () => {
      const token = await liveToken();
      await stores().refreshTokens.revokeFamily(token.familyId, new Date());
      const result = await expectRefused(token, rotation(token));
      expect(result.current?.revokedAt).toEqual(expect.any(Date));
    });

    it('refuses an unknown token with no record', async () => {
      const token = newRefreshToken(user, client);
      const result = expectKind(await stores().refreshTokens.rotate(rotation(token)), 'refused');
      expect(result.current).toBeNull();
    });

    it('lets exactly one of 25 concurrent rotations of one token through', async () => {
      const token = await liveToken();
      const requests = Array.from({ length: 25 }, () => rotation(token));
      const results = await Promise.all(requests.map((request) => stores().refreshTokens.rotate(request)));
      expect(countKinds(results)).toEqual({ rotated: 1, refused: 24 });
      const stored = await Promise.all(requests.map((request) => find(request.nextHash)));
      expect(stored.filter((found) => found !== null)).toHaveLength(1);
    });

    it('undoes a rotation: the successor is gone and the old token is live again, once', async () => {
      const token = await liveToken();
      const request = rotation(token);
      await stores().refreshTokens.rotate(request);
      expect(await stores().refreshTokens.undoRotation(token.tokenHash, request.nextHash)).toBe(true);
      expect(await find(request.nextHash)).toBeNull();
      expect(await find(token.tokenHash)).toMatchObject({
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
      });
      expect(await stores().refreshTokens.undoRotation(token.tokenHash, request.nextHash)).toBe(false);
      // Live again: it rotates as if the first attempt never happened.
      expectKind(await stores().refreshTokens.rotate(rotation(token)), 'rotated');
    });

    it('does not undo a rotation once the family is revoked or the successor was used', async () => {
      const revoked = await liveToken();
      const first = rotation(revoked);
      await stores().refreshTokens.rotate(first);
      await stores().refreshTokens.revokeFamily(revoked.familyId, new Date());
      expect(await stores().refreshTokens.undoRotation(revoked.tokenHash, first.nextHash)).toBe(false);
      expect(await find(first.nextHash)).toMatchObject({ revokedAt: expect.any(Date) });
      expect(await find(revoked.tokenHash)).toMatchObject({ replacedByHash: first.nextHash });

      const used = await liveToken();
      const second = rotation(used);
      await stores().refreshTokens.rotate(second);
      const successor = (await find(second.nextHash))!;
      await stores().refreshTokens.rotate(rotation(successor));
      expect(await stores().refreshTokens.undoRotation(used.tokenHash, second.nextHash)).toBe(false);
      expect(await find(second.nextHash)).toMatchObject({ rotatedAt: expect.any(Date) });
      expect(await find(used.tokenHash)).toMatchObject({ replacedByHash: second.nextHash });
    });

    it('revokes a whole family and counts the tokens that were live', async () => {
      const token = await liveToken();
      const next = rotation(token);
      await stores().refreshTokens.rotate(next);
      const bystander = await liveToken();
      const now = new Date();
      expect(await stores().refreshTokens.revokeFamily(token.familyId, now)).toBe(1);
      for (const hash of [token.tokenHash, next.nextHash]) {
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
      await stores().refreshTokens.rotate(rotation(ta));

      const families = await stores().refreshTokens.revokeForClient(target.id, new Date());
      expect(families.sort()).toEqual([ta.familyId, tb.familyId].sort());
      expect((await stores().refreshTokens.findByHash(elsewhere.tokenHash))?.revokedAt).toBeNull();
      expect(await stores().refreshTokens.revokeForClient(target.id, new Date())).toEqual([]);
    });
  });
}
