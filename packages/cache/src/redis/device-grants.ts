import type { DeviceApproval, DeviceAuthorizationData, DeviceGrantStore, DevicePoll } from '@gatehouse/core';
import { decode, encode } from '../json.js';
import { assertSeconds } from '../seconds.js';
import type { RedisClient } from './connect.js';
import { failClosed } from './fail-closed.js';
import type { RedisKeys } from './keys.js';
import { replicationGuard } from './replication.js';
import { defineScript } from './script.js';

// A device authorization is a hash: data (JSON, never changed), status, interval, last (poll
// time in ms) and approval (JSON). The scripts only touch the scalar fields, so no JSON is
// decoded in Lua. HSET keeps the key's TTL.

// KEYS[1] grant; ARGV[1] status, ARGV[2] approval JSON.
const DECIDE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'approval', ARGV[2])
return 1
`;

// KEYS[1] grant; ARGV[1] now (ms). One round trip decides slow_down and spends an approval once.
const POLL = `
local h = redis.call('HMGET', KEYS[1], 'status', 'interval', 'last', 'data', 'approval')
if not h[1] then return false end
if h[1] == 'redeemed' then return {'redeemed', h[4], '', h[2]} end
local now = tonumber(ARGV[1])
local interval = tonumber(h[2])
if h[3] and (now - tonumber(h[3])) < interval * 1000 then
  interval = interval + 5
  redis.call('HSET', KEYS[1], 'interval', interval, 'last', ARGV[1])
  return {'slow_down', h[4], '', tostring(interval)}
end
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if h[1] == 'approved' then
  redis.call('HSET', KEYS[1], 'status', 'redeemed')
  return {'approved', h[4], h[5], h[2]}
end
return {h[1], h[4], '', h[2]}
`;

type PollReply = null | [DevicePoll['kind'], string, string, string];

export function redisDeviceGrantStore(client: RedisClient, keys: RedisKeys): DeviceGrantStore {
  const decide = defineScript(client, 'gatehouseDecideDevice', 1, DECIDE);
  const poll = defineScript(client, 'gatehousePollDevice', 1, POLL);
  const replicated = replicationGuard(client);
  return {
    async create(deviceCodeHash, data, interval, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      const taken = await failClosed(() =>
        client.set(keys.deviceUserCode(data.userCode), deviceCodeHash, 'EX', ttlSeconds, 'NX'),
      );
      if (taken !== 'OK') return false;
      const key = keys.deviceGrant(deviceCodeHash);
      await failClosed(() =>
        client
          .multi()
          .hset(key, { data: encode(data), status: 'pending', interval: String(interval) })
          .expire(key, ttlSeconds)
          .exec(),
      );
      return true;
    },
    async findByUserCode(userCode) {
      const deviceCodeHash = await failClosed(() => client.get(keys.deviceUserCode(userCode)));
      if (deviceCodeHash === null) return null;
      const [data, status] = await failClosed(() =>
        client.hmget(keys.deviceGrant(deviceCodeHash), 'data', 'status'),
      );
      if (!data || !status) return null;
      return { deviceCodeHash, data: decode<DeviceAuthorizationData>(data)!, status };
    },
    async decide(deviceCodeHash, decision) {
      const approval = decision.status === 'approved' ? encode(decision.approval) : '';
      const reply = await failClosed(() =>
        decide(keys.deviceGrant(deviceCodeHash), decision.status, approval),
      );
      return reply === 1;
    },
    async poll(deviceCodeHash, nowMs): Promise<DevicePoll> {
      const key = keys.deviceGrant(deviceCodeHash);
      const reply = (await failClosed(() => poll(key, nowMs))) as PollReply;
      if (!reply) return { kind: 'not_found' };
      const [kind, json, approval, interval] = reply;
      // An approval is redeemed once, failover included (SEC-75).
      if (kind === 'approved' && replicated) await failClosed(() => replicated(key));
      const data = decode<DeviceAuthorizationData>(json)!;
      if (kind === 'slow_down') return { kind, data, interval: Number(interval) };
      if (kind === 'approved') return { kind, data, approval: decode<DeviceApproval>(approval)! };
      if (kind === 'not_found') return { kind };
      return { kind, data };
    },
  };
}
