import type { AccessTokenData, AccessTokenStore } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

export function memoryAccessTokenStore(keyspace: Keyspace): AccessTokenStore {
  const tokens = keyspace.map<string>();
  /** Token hashes per family; like the Redis set, it may name tokens that already expired or were deleted. */
  const families = keyspace.map<Set<string>>();
  return {
    async put(tokenHash, data, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      const ttlMs = ttlSeconds * 1000;
      tokens.set(tokenHash, encode(data), ttlMs);
      const members = families.get(data.familyId) ?? new Set<string>();
      members.add(tokenHash);
      // The family must outlive its longest-lived token, or revokeFamily would miss it.
      families.set(data.familyId, members, Math.max(ttlMs, families.msLeft(data.familyId)));
    },
    async get(tokenHash) {
      return decode<AccessTokenData>(tokens.get(tokenHash));
    },
    async delete(tokenHash) {
      tokens.delete(tokenHash);
    },
    async revokeFamily(familyId) {
      let revoked = 0;
      for (const tokenHash of families.get(familyId) ?? []) if (tokens.delete(tokenHash)) revoked++;
      families.delete(familyId);
      return revoked;
    },
  };
}
