// The RefreshTokenStore contract: one file, as every port's contract suite is, so an
// implementation proves creation, rotation, reuse detection, races and revocation in one place.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, NewRefreshToken, RotationRequest, User } from '../../ports/index.js';
import { mintFamilyToken, readRefreshToken } from '../../token/refresh-token-format.js';
import {
  countKinds,
  createClient,
  createUser,
  expectKind,
  type LegacyRefreshToken,
  newLegacyRefreshToken,
  newRefreshToken,
  type OpenDurableStoresWithLegacyTokens,
  presentedToken,
  sortedScopes,
  type TestRefreshToken,
  unique,
  useUnderTest,
} from './fixtures.js';
import { describeRefreshRefusalProperty } from './refresh-refusal.js';

/** A token as a test holds it: its value and the client it belongs to. */
type Held = Pick<TestRefreshToken, 'value' | 'clientId'>;

/** The rotation the token endpoint would ask for, with a fresh successor; `next` is the successor as held. */
export function rotationOf(
  token: Held,
  overrides: Partial<RotationRequest> = {},
): RotationRequest & { next: Held } {
  const presented = readRefreshToken(token.value);
  if (presented.format !== 'family') throw new Error('rotationOf needs a family token');
  const minted = mintFamilyToken(presented.familyId, presented.generation + 1, presented.key);
  return {
    presented,
    familyId: presented.familyId,
    generation: presented.generation,
    clientId: token.clientId,
    nextHash: minted.hash,
    keyHash: minted.keyHash,
    requestedScopes: [],
    now: new Date(),
    next: { value: minted.value, clientId: token.clientId },
    ...overrides,
  };
}

export function describeRefreshTokenStoreContract(open: OpenDurableStoresWithLegacyTokens): void {
  describe('RefreshTokenStore', () => {
    const underTest = useUnderTest(open);
    const stores = () => underTest().stores;
    let user: User;
    let client: Client;
    beforeAll(async () => {
      user = await createUser(stores());
      client = await createClient(stores());
    });

    /** A live family of `client` (by default for `user`), stored as the code exchange stores it. */
    async function liveToken(overrides: Partial<NewRefreshToken> = {}) {
      const token = newRefreshToken(user, client, overrides);
      expect(await stores().refreshTokens.createForActiveUser(token)).toBe(true);
      return token;
    }

    const rotation = rotationOf;
    const find = (value: string) => stores().refreshTokens.find(presentedToken(value));
    /** The record the store gives a family's first token (`extra` for what rotation changed). */
    const firstRecord = (
      token: LegacyRefreshToken & { value: string; keyHash?: string },
      extra: object = {},
    ) => {
      const { value: _value, keyHash: _keyHash, ...rest } = token;
      return {
        ...rest,
        generation: 0,
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
        createdAt: expect.any(Date),
        ...extra,
      };
    };

    describeRefreshRefusalProperty(stores);

    /** Asserts the rotation was refused, changed nothing and stored no successor. */
    async function expectRefused(token: Held, request: RotationRequest & { next: Held }) {
      const before = await find(token.value);
      const result = expectKind(await stores().refreshTokens.rotate(request), 'refused');
      expect(result.current).toEqual(before);
      expect(await find(token.value)).toEqual(before);
      // The successor never became the family's current token.
      const successor = await find(request.next.value);
      expect(successor === null || successor.rotatedAt !== null).toBe(true);
      return result;
    }

    it('stores a family and finds its token; a token matching no family finds nothing', async () => {
      const token = await liveToken();
      expect(await find(token.value)).toEqual(firstRecord(token));
      expect(await find(`gth_rt_${unique('missing')}`)).toBeNull();
      // The right family id and generation without the family's key match no family.
      const forged = mintFamilyToken(token.familyId, 0);
      expect(await find(forged.value)).toBeNull();
    });

    it('refuses a second family with the same id, alone or grouped with others, and keeps the first', async () => {
      const token = await liveToken();
      const duplicate = newRefreshToken(user, client, { familyId: token.familyId });
      const refused = { name: 'DuplicateError', field: 'familyId' };
      await expect(stores().refreshTokens.createForActiveUser(duplicate)).rejects.toMatchObject(refused);
      // Submitted in one event-loop turn: the duplicate fails alone, the other is stored.
      const other = newRefreshToken(user, client);
      const [again, stored] = await Promise.allSettled([
        stores().refreshTokens.createForActiveUser(duplicate),
        stores().refreshTokens.createForActiveUser(other),
      ]);
      expect(again).toMatchObject({ status: 'rejected', reason: refused });
      expect(stored).toEqual({ status: 'fulfilled', value: true });
      expect(await find(token.value)).toEqual(firstRecord(token));
      expect(await find(duplicate.value)).toBeNull();
      expect(await find(other.value)).toEqual(firstRecord(other));
    });

    it('finds a legacy token (from before family keys, as migration 0010 stored it) by its hash alone', async () => {
      const legacy = newLegacyRefreshToken(user, client);
      await underTest().seedLegacyRefreshToken(legacy);
      expect(await find(legacy.value)).toEqual(firstRecord(legacy));
    });

    it('stores the first token of a family only while its user is active', async () => {
      const token = newRefreshToken(user, client, {
        scopes: ['openid', 'profile', 'balance'],
        authTime: 1_700_000_001,
        sid: 'sid-2',
      });
      expect(await stores().refreshTokens.createForActiveUser(token)).toBe(true);
      expect(await find(token.value)).toEqual(firstRecord(token));

      const disabled = await createUser(stores());
      await stores().users.setStatus(disabled.id, 'disabled');
      const refused = newRefreshToken(disabled, client);
      expect(await stores().refreshTokens.createForActiveUser(refused)).toBe(false);
      expect(await find(refused.value)).toBeNull();

      const orphan = newRefreshToken({ ...user, id: 2_000_000_000 }, client);
      expect(await stores().refreshTokens.createForActiveUser(orphan)).toBe(false);
      expect(await find(orphan.value)).toBeNull();
    });

    it('stores concurrent first tokens each exactly as alone: only those of active users', async () => {
      const disabled = await createUser(stores());
      await stores().users.setStatus(disabled.id, 'disabled');
      const tokens = [
        newRefreshToken(user, client, {
          scopes: ['openid', 'profile'],
          authTime: 1_700_000_002,
          sid: 'sid-3',
        }),
        newRefreshToken(disabled, client),
        newRefreshToken(user, client, { scopes: [], authTime: null, sid: null }),
        newRefreshToken({ ...user, id: 2_000_000_001 }, client),
        newRefreshToken(user, client, { scopes: ['balance'] }),
      ];
      // Submitted in one event-loop turn: a store that groups concurrent writes does so here.
      const stored = await Promise.all(tokens.map((t) => stores().refreshTokens.createForActiveUser(t)));
      expect(stored).toEqual([true, false, true, false, true]);
      for (const [i, token] of tokens.entries()) {
        expect(await find(token.value)).toEqual(stored[i] ? firstRecord(token) : null);
      }
    });

    it('rotates the current token: it is spent, the successor inherits family, scope, expiry, auth_time and sid', async () => {
      const token = await liveToken({
        scopes: ['profile', 'balance'],
        authTime: 1_700_000_000,
        sid: 'sid-1',
      });
      const request = rotation(token);
      const result = expectKind(await stores().refreshTokens.rotate(request), 'rotated');
      const spent = firstRecord(token, { rotatedAt: request.now, replacedByHash: request.nextHash });
      expect(result.previous).toEqual(spent);
      expect(await find(request.next.value)).toEqual({
        ...firstRecord(token),
        tokenHash: request.nextHash,
        generation: 1,
      });
      expect(await find(token.value)).toEqual(spent);
    });

    it('rotates when the requested scopes are covered; the successor keeps the full scope', async () => {
      const token = await liveToken({ scopes: ['profile', 'balance'] });
      const request = rotation(token, { requestedScopes: ['balance'] });
      expectKind(await stores().refreshTokens.rotate(request), 'rotated');
      expect(sortedScopes((await find(request.next.value))!.scopes)).toEqual(['balance', 'profile']);
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
      await stores().refreshTokens.createForActiveUser(token);
      await stores().users.setStatus(owner.id, 'disabled');
      await expectRefused(token, rotation(token));
    });

    it('refuses a spent token and reports it as stored (a reuse), for the whole life of the family', async () => {
      const token = await liveToken();
      const first = rotation(token);
      await stores().refreshTokens.rotate(first);
      const result = await expectRefused(token, rotation(token));
      expect(result).toMatchObject({ reason: 'reused' });
      expect(result.current).toMatchObject({ rotatedAt: first.now, replacedByHash: first.nextHash });
      // Two generations later the first token is still recognised as the family's, spent.
      const second = rotation(first.next);
      await stores().refreshTokens.rotate(second);
      await stores().refreshTokens.rotate(rotation(second.next));
      const late = await expectRefused(token, rotation(token));
      expect(late).toMatchObject({
        reason: 'reused',
        current: { familyId: token.familyId, replacedByHash: null },
      });
      expect(late.current?.rotatedAt).toEqual(expect.any(Date));
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
      expect(result).toMatchObject({ reason: 'unknown', current: null });
    });

    it('lets exactly one of 25 concurrent rotations of one token through', async () => {
      const token = await liveToken();
      const requests = Array.from({ length: 25 }, () => rotation(token));
      const results = await Promise.all(requests.map((request) => stores().refreshTokens.rotate(request)));
      expect(countKinds(results)).toEqual({ rotated: 1, refused: 24 });
      const stored = await Promise.all(requests.map((request) => find(request.next.value)));
      expect(stored.filter((found) => found !== null && found.rotatedAt === null)).toHaveLength(1);
    });

    it('undoes a rotation: the successor is no longer current and the old token is live again, once', async () => {
      const token = await liveToken();
      const request = rotation(token);
      await stores().refreshTokens.rotate(request);
      const undo = () =>
        stores().refreshTokens.undoRotation(token.familyId, token.tokenHash, request.nextHash);
      expect(await undo()).toBe(true);
      expect(await find(request.next.value)).toBeNull();
      expect(await find(token.value)).toMatchObject({
        rotatedAt: null,
        replacedByHash: null,
        revokedAt: null,
      });
      expect(await undo()).toBe(false);
      // Live again: it rotates as if the first attempt never happened.
      expectKind(await stores().refreshTokens.rotate(rotation(token)), 'rotated');
    });

    it('does not undo a rotation once the family is revoked or the successor was used', async () => {
      const revoked = await liveToken();
      const first = rotation(revoked);
      await stores().refreshTokens.rotate(first);
      await stores().refreshTokens.revokeFamily(revoked.familyId, new Date());
      const undoFirst = stores().refreshTokens.undoRotation(
        revoked.familyId,
        revoked.tokenHash,
        first.nextHash,
      );
      expect(await undoFirst).toBe(false);
      expect(await find(first.next.value)).toMatchObject({ revokedAt: expect.any(Date) });
      expect(await find(revoked.value)).toMatchObject({ replacedByHash: first.nextHash });

      const used = await liveToken();
      const second = rotation(used);
      await stores().refreshTokens.rotate(second);
      await stores().refreshTokens.rotate(rotation(second.next));
      expect(await stores().refreshTokens.undoRotation(used.familyId, used.tokenHash, second.nextHash)).toBe(
        false,
      );
      expect(await find(second.next.value)).toMatchObject({ rotatedAt: expect.any(Date) });
    });

    it('revokes a whole family and counts it once', async () => {
      const token = await liveToken();
      const next = rotation(token);
      await stores().refreshTokens.rotate(next);
      const bystander = await liveToken();
      const now = new Date();
      expect(await stores().refreshTokens.revokeFamily(token.familyId, now)).toBe(1);
      for (const value of [token.value, next.next.value]) {
        expect((await find(value))?.revokedAt?.getTime()).toBe(now.getTime());
      }
      expect((await find(bystander.value))?.revokedAt).toBeNull();
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
      for (const t of [t1, t2, t3, foreign]) await stores().refreshTokens.createForActiveUser(t);

      const forC1 = await stores().refreshTokens.revokeForUser(owner.id, c1.id, new Date());
      expect(forC1.sort()).toEqual([t1.familyId, t2.familyId].sort());
      expect((await find(t3.value))?.revokedAt).toBeNull();

      expect(await stores().refreshTokens.revokeForUser(owner.id, null, new Date())).toEqual([t3.familyId]);
      expect(await stores().refreshTokens.revokeForUser(owner.id, null, new Date())).toEqual([]);
      expect((await find(foreign.value))?.revokedAt).toBeNull();
    });

    it('revokes every family of a client, whoever the user', async () => {
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      const [target, other] = [await createClient(stores()), await createClient(stores())];
      const ta = newRefreshToken(a, target);
      const tb = newRefreshToken(b, target);
      const elsewhere = newRefreshToken(a, other);
      for (const t of [ta, tb, elsewhere]) await stores().refreshTokens.createForActiveUser(t);
      // A rotated family is reported once.
      await stores().refreshTokens.rotate(rotation(ta));

      const families = await stores().refreshTokens.revokeForClient(target.id, new Date());
      expect(families.sort()).toEqual([ta.familyId, tb.familyId].sort());
      expect((await find(elsewhere.value))?.revokedAt).toBeNull();
      expect(await stores().refreshTokens.revokeForClient(target.id, new Date())).toEqual([]);
    });
  });
}
