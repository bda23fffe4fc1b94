import { describe, expect, it } from 'vitest';
import { randomId, sha256Hex } from '../../crypto.js';
import type { DeviceApproval, DeviceAuthorizationData } from '../../ports/index.js';
import { concurrently, type OpenCache, useCache } from './support.js';

const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const userCode = () =>
  Array.from({ length: 8 }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');

function deviceData(): DeviceAuthorizationData {
  return {
    clientId: 4,
    clientPublicId: 'gh_device',
    scopes: ['profile'],
    userCode: userCode(),
    expiresAt: 1_700_000_600_000,
  };
}

const approval = (): DeviceApproval => ({
  userId: 9,
  scopes: ['profile'],
  authTime: 1_700_000_000,
  familyId: randomId(),
});
const newHash = () => sha256Hex(randomId(32));
const T0 = 1_700_000_000_000;

export function describeDeviceGrantStoreContract(open: OpenCache): void {
  describe('DeviceGrantStore contract', () => {
    const cache = useCache(open);
    const grants = () => cache().deviceGrants;

    it('finds a new authorization by its user code, pending; refuses a user code in use', async () => {
      const hash = newHash();
      const data = deviceData();
      expect(await grants().create(hash, data, 5, 600)).toBe(true);
      expect(await grants().findByUserCode(data.userCode)).toEqual({
        deviceCodeHash: hash,
        data,
        status: 'pending',
      });
      expect(await grants().create(newHash(), data, 5, 600)).toBe(false);
      expect(await grants().findByUserCode(userCode())).toBeNull();
    });

    it('answers pending, then slow_down with 5 s more when polled too fast, then pending again', async () => {
      const hash = newHash();
      const data = deviceData();
      await grants().create(hash, data, 5, 600);
      expect(await grants().poll(hash, T0)).toEqual({ kind: 'pending', data });
      expect(await grants().poll(hash, T0 + 1000)).toEqual({ kind: 'slow_down', data, interval: 10 });
      expect(await grants().poll(hash, T0 + 6000)).toEqual({ kind: 'slow_down', data, interval: 15 });
      expect(await grants().poll(hash, T0 + 21_000)).toEqual({ kind: 'pending', data });
    });

    it('hands an approval out once, then answers redeemed', async () => {
      const hash = newHash();
      const data = deviceData();
      const approved = approval();
      await grants().create(hash, data, 5, 600);
      expect(await grants().decide(hash, { status: 'approved', approval: approved })).toBe(true);
      expect(await grants().decide(hash, { status: 'denied' })).toBe(false);
      expect((await grants().findByUserCode(data.userCode))?.status).toBe('approved');
      expect(await grants().poll(hash, T0)).toEqual({ kind: 'approved', data, approval: approved });
      expect(await grants().poll(hash, T0 + 60_000)).toEqual({ kind: 'redeemed', data });
    });

    it('of concurrent polls after approval exactly one gets the approval', async () => {
      const hash = newHash();
      await grants().create(hash, deviceData(), 5, 600);
      await grants().decide(hash, { status: 'approved', approval: approval() });
      const results = await concurrently(10, () => grants().poll(hash, T0));
      expect(results.filter((r) => r.kind === 'approved')).toHaveLength(1);
    });

    it('answers denied after a denial, and not_found for unknown codes', async () => {
      const hash = newHash();
      const data = deviceData();
      await grants().create(hash, data, 5, 600);
      expect(await grants().decide(hash, { status: 'denied' })).toBe(true);
      expect(await grants().poll(hash, T0)).toEqual({ kind: 'denied', data });
      expect(await grants().poll(newHash(), T0)).toEqual({ kind: 'not_found' });
      expect(await grants().decide(newHash(), { status: 'denied' })).toBe(false);
    });
  });
}
