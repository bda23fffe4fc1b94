import type { AccessTokenData, AccessTokenStore } from '@gatehouse/core';
import type { Redis } from 'ioredis';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import { failClosed } from './fail-closed.js';
import type { RedisKeys } from './keys.js';
import { defineScript } from './script.js';

// KEYS[1] token, KEYS[2] family set; ARGV[1] JSON, ARGV[2] TTL seconds, ARGV[3] token hash.
// A script rather than MULTI because the family set must outlive its longest-lived token: its TTL
// may grow but never shrink, which `EXPIRE ... GT` cannot express for a set that has no TTL yet.
const PUT = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return 1
`;

// KEYS[1] family set; ARGV[1] access-token key prefix. Returns how many live tokens it deleted
// (members may name tokens that already expired or were deleted one by one).
// Builds token keys from set members, so on Redis Cluster the family's tokens would need one hash slot.
const REVOKE_FAMILY = `
local revoked = 0
for _, tokenHash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  revoked = revoked + redis.call('DEL', ARGV[1] .. tokenHash)
end
redis.call('DEL', KEYS[1])
return revoked
`;

export function redisAccessTokenStore(client: Redis, keys: RedisKeys): AccessTokenStore {
  const put = defineScript(client, 'gatehousePutAccessToken', 2, PUT);
  const revokeFamily = defineScript(client, 'gatehouseRevokeFamily', 1, REVOKE_FAMILY);
  return {
    async put(tokenHash, data, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      const tokenKey = keys.accessToken(tokenHash);
      await failClosed(() => put(tokenKey, keys.family(data.familyId), encode(data), ttlSeconds, tokenHash));
    },
    async get(tokenHash) {
      return decode<AccessTokenData>(await failClosed(() => client.get(keys.accessToken(tokenHash))));
    },
    async delete(tokenHash) {
      await failClosed(() => client.del(keys.accessToken(tokenHash)));
    },
    async revokeFamily(familyId) {
      return (await failClosed(() => revokeFamily(keys.family(familyId), keys.accessTokenPrefix))) as number;
    },
  };
}
