import type { DeviceApproval, DeviceAuthorizationData, DeviceGrantStore, DevicePoll } from '@gatehouse/core';
import { assertSeconds } from '../seconds.js';
import type { Keyspace } from './keyspace.js';

interface Stored {
  data: DeviceAuthorizationData;
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  interval: number;
  lastPoll: number | null;
  approval: DeviceApproval | null;
}

/** Copies, so that callers never share an object with the store (as with the Redis one). */
const copy = <T>(value: T): T => structuredClone(value);

export function memoryDeviceGrantStore(keyspace: Keyspace): DeviceGrantStore {
  const grants = keyspace.map<Stored>();
  const userCodes = keyspace.map<string>();
  return {
    async create(deviceCodeHash, data, interval, ttlSeconds) {
      assertSeconds('ttlSeconds', ttlSeconds);
      if (userCodes.get(data.userCode) !== undefined) return false;
      userCodes.set(data.userCode, deviceCodeHash, ttlSeconds * 1000);
      grants.set(
        deviceCodeHash,
        { data: copy(data), status: 'pending', interval, lastPoll: null, approval: null },
        ttlSeconds * 1000,
      );
      return true;
    },
    async findByUserCode(userCode) {
      const deviceCodeHash = userCodes.get(userCode);
      const stored = deviceCodeHash === undefined ? undefined : grants.get(deviceCodeHash);
      if (deviceCodeHash === undefined || !stored) return null;
      return { deviceCodeHash, data: copy(stored.data), status: stored.status };
    },
    // No await between read and write: atomic within this process, as Redis scripts are.
    async decide(deviceCodeHash, decision) {
      const stored = grants.get(deviceCodeHash);
      if (stored?.status !== 'pending') return false;
      stored.status = decision.status;
      stored.approval = decision.status === 'approved' ? copy(decision.approval) : null;
      return true;
    },
    async poll(deviceCodeHash, nowMs): Promise<DevicePoll> {
      const stored = grants.get(deviceCodeHash);
      if (!stored) return { kind: 'not_found' };
      const data = copy(stored.data);
      if (stored.status === 'redeemed') return { kind: 'redeemed', data };
      if (stored.lastPoll !== null && nowMs - stored.lastPoll < stored.interval * 1000) {
        stored.interval += 5;
        stored.lastPoll = nowMs;
        return { kind: 'slow_down', data, interval: stored.interval };
      }
      stored.lastPoll = nowMs;
      if (stored.status === 'approved') {
        stored.status = 'redeemed';
        return { kind: 'approved', data, approval: copy(stored.approval!) };
      }
      return { kind: stored.status, data };
    },
  };
}
