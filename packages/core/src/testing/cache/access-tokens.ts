import { describe, expect, it } from 'vitest';
import { randomId, sha256Hex } from '../../crypto.js';
import type { AccessTokenData } from '../../ports/index.js';
import { type OpenCache, PAST_ONE_SECOND_MS, sleep, useCache } from './support.js';

function tokenData(familyId: string): AccessTokenData {
  return {
    clientId: 3,
    clientPublicId: 'app_public_id',
    userId: 7,
    scopes: ['profile', 'balance:read'],
    familyId,
    issuedAt: 1_700_000_000,
    expiresAt: 1_700_003_600,
  };
}

const newTokenHash = () => sha256Hex(randomId(32));

export function describeAccessTokenStoreContract(open: OpenCache): void {
  describe('AccessTokenStore contract', () => {
    const cache = useCache(open);
    const tokens = () => cache().accessTokens;

    /** Puts `count` tokens of one family, each with `ttlSeconds`, and returns their hashes. */
    async function putFamily(familyId: string, count: number, ttlSeconds = 60): Promise<string[]> {
      const hashes = Array.from({ length: count }, newTokenHash);
      for (const hash of hashes) await tokens().put(hash, tokenData(familyId), ttlSeconds);
      return hashes;
    }

    it('returns what was put, and null for an unknown token', async () => {
      const hash = newTokenHash();
      const data = tokenData(randomId());
      await tokens().put(hash, data, 60);
      expect(await tokens().get(hash)).toEqual(data);
      expect(await tokens().get(newTokenHash())).toBeNull();
    });

    it('hands out copies: mutating a token got does not change what is stored', async () => {
      const hash = newTokenHash();
      const data = tokenData(randomId());
      await tokens().put(hash, data, 60);
      const got = await tokens().get(hash);
      got?.scopes.push('admin');
      data.scopes.push('admin');
      expect(await tokens().get(hash)).toEqual(tokenData(data.familyId));
    });

    it('delete revokes one token and ignores unknown ones', async () => {
      const [first, second] = await putFamily(randomId(), 2);
      await tokens().delete(first!);
      expect(await tokens().get(first!)).toBeNull();
      expect(await tokens().get(second!)).not.toBeNull();
      await expect(tokens().delete(newTokenHash())).resolves.toBeUndefined();
    });

    it('revokeFamily deletes only that family and counts the tokens it deleted', async () => {
      const [family, other] = [randomId(), randomId()];
      const doomed = await putFamily(family, 3);
      const spared = await putFamily(other, 2);
      await tokens().delete(doomed[0]!);
      expect(await tokens().revokeFamily(family)).toBe(2);
      for (const hash of doomed) expect(await tokens().get(hash)).toBeNull();
      for (const hash of spared) expect(await tokens().get(hash)).toEqual(tokenData(other));
      expect(await tokens().revokeFamily(family)).toBe(0);
      expect(await tokens().revokeFamily(randomId())).toBe(0);
    });

    it('lets a revoked family gain new tokens, which a later revocation also reaches', async () => {
      const family = randomId();
      await putFamily(family, 1);
      await tokens().revokeFamily(family);
      const [fresh] = await putFamily(family, 1);
      expect(await tokens().get(fresh!)).not.toBeNull();
      expect(await tokens().revokeFamily(family)).toBe(1);
    });

    it('rejects a TTL that is not a positive whole number of seconds', async () => {
      await expect(tokens().put(newTokenHash(), tokenData(randomId()), 0)).rejects.toBeInstanceOf(RangeError);
    });

    it('expires tokens with their TTL, while the family keeps reaching its longer-lived tokens', async () => {
      const family = randomId();
      // Long-lived first: a later, shorter token must not shorten how long the family remembers the first.
      const [long] = await putFamily(family, 1, 60);
      const [short] = await putFamily(family, 1, 1);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await tokens().get(short!)).toBeNull();
      expect(await tokens().get(long!)).not.toBeNull();
      expect(await tokens().revokeFamily(family)).toBe(1);
      expect(await tokens().get(long!)).toBeNull();
    });
  });
}
