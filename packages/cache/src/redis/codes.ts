import type { AuthorizationCodeData, AuthorizationCodeStore, ConsumeResult } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { RedisClient } from './connect.js';
import { failClosed } from './fail-closed.js';
import type { RedisKeys } from './keys.js';
import { replicationGuard } from './replication.js';
import { defineScript } from './script.js';

// A stored code is one state letter followed by the JSON data, so that put is a plain SET and
// consume can mark the code spent without decoding it.
const FRESH = 'f';
const SPENT = 's';

// KEYS[1] code; ARGV[1] retain seconds. Reading and marking in one script is what makes exactly one
// consumer see 'fresh'; the spent code is kept (with a new TTL) so that replays are recognised.
const CONSUME = `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end
local data = string.sub(stored, 2)
if string.sub(stored, 1, 1) == '${SPENT}' then return {'replayed', data} end
redis.call('SET', KEYS[1], '${SPENT}' .. data, 'EX', ARGV[1])
return {'fresh', data}
`;

type ConsumeReply = null | ['fresh' | 'replayed', string];

export function redisCodeStore(client: RedisClient, keys: RedisKeys): AuthorizationCodeStore {
  const consume = defineScript(client, 'gatehouseConsumeCode', 1, CONSUME);
  const replicated = replicationGuard(client);
  return {
    async put(codeHash, data, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      await failClosed(() => client.set(keys.code(codeHash), FRESH + encode(data), 'EX', ttlSeconds));
    },
    async consume(codeHash, retainSeconds): Promise<ConsumeResult> {
      assertSeconds('retainSeconds', retainSeconds);
      const key = keys.code(codeHash);
      const reply = (await failClosed(() => consume(key, retainSeconds))) as ConsumeReply;
      if (!reply) return { kind: 'not_found' };
      const [kind, json] = reply;
      // The code is spent only once the spending survives a failover (SEC-75).
      if (kind === 'fresh' && replicated) await failClosed(() => replicated(key));
      return { kind, data: decode<AuthorizationCodeData>(json)! };
    },
  };
}
