import { describe, expect, it } from 'vitest';
import type { DurableStores } from '../../ports/index.js';
import type { OpenDurableStores } from './fixtures.js';

/** Fail closed: once the database is gone, every call says so with StoreUnavailableError. */
export function describeDurableAvailabilityContract(open: OpenDurableStores): void {
  describe('DurableStores availability', () => {
    it('answers ping while open and StoreUnavailableError once closed', async () => {
      const { stores, close } = await open();
      try {
        await expect(stores.ping()).resolves.toBeUndefined();
        await stores.close();
        const unavailable = { name: 'StoreUnavailableError', store: 'database' };
        await expect(stores.ping()).rejects.toMatchObject(unavailable);
        const calls: ((s: DurableStores) => Promise<unknown>)[] = [
          (s) => s.users.findById(1),
          (s) => s.refreshTokens.find({ format: 'legacy', tokenHash: 'x' }),
          (s) => s.ledger.getBalance(1),
          (s) => s.topupCodes.redeem('x', 1, new Date()),
          (s) => s.audit.list({ limit: 1 }),
          (s) => s.userinfo.read(1, 1),
        ];
        for (const call of calls) await expect(call(stores)).rejects.toMatchObject(unavailable);
      } finally {
        await close();
      }
    }, 120_000);
  });
}
