import type { AccessTokenData, AccessTokenStore } from '@gatehouse/core';
import { Cluster } from 'ioredis';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { RedisClient } from './connect.js';
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
// Builds token keys from set members, which only one Redis allows: a Redis Cluster uses the
// one-slot halves below instead.
const REVOKE_FAMILY = `
local revoked = 0
for _, tokenHash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  revoked = revoked + redis.call('DEL', ARGV[1] .. tokenHash)
end
redis.call('DEL', KEYS[1])
return revoked
`;

// Redis Cluster: a token's key and its family's set live in different slots (the token is
// looked up by its hash alone), so no script may touch both. KEYS[1] family set; ARGV[1] TTL,
// ARGV[2] token hash.
const ADD_TO_FAMILY = `
redis.call('SADD', KEYS[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

// KEYS[1] family set. Reads and deletes it in one step, so a token added later starts a new
// set that a later revocation finds — never one that is deleted unread.
const TAKE_FAMILY = `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return members
`;

export function redisAccessTokenStore(client: RedisClient, keys: RedisKeys): AccessTokenStore {
  if (client instanceof Cluster) return clusterAccessTokenStore(client, keys);
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

/**
 * The same port on a Redis Cluster, in one-slot steps: put sets the token and adds it to its
 * family (two commands, sent together); revocation takes the family's set, then deletes each
 * token where it lives. Atomic per step, and the order keeps the guarantee that matters: a
 * token that exists after a revocation was put after it (as on one Redis).
 */
function clusterAccessTokenStore(client: Cluster, keys: RedisKeys): AccessTokenStore {
  const addToFamily = defineScript(client, 'gatehouseAddToFamily', 1, ADD_TO_FAMILY);
  const takeFamily = defineScript(client, 'gatehouseTakeFamily', 1, TAKE_FAMILY);
  return {
    async put(tokenHash, data, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      await failClosed(() =>
        Promise.all([
          client.set(keys.accessToken(tokenHash), encode(data), 'EX', ttlSeconds),
          addToFamily(keys.family(data.familyId), ttlSeconds, tokenHash),
        ]),
      );
    },
    async get(tokenHash) {
      return decode<AccessTokenData>(await failClosed(() => client.get(keys.accessToken(tokenHash))));
    },
    async delete(tokenHash) {
      await failClosed(() => client.del(keys.accessToken(tokenHash)));
    },
    async revokeFamily(familyId) {
      const members = (await failClosed(() => takeFamily(keys.family(familyId)))) as string[];
      const deleted = await failClosed(() =>
        Promise.all(members.map((tokenHash) => client.del(keys.accessToken(tokenHash)))),
      );
      return deleted.reduce((sum, count) => sum + count, 0);
    },
  };
}
