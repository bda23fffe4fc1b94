import { describe, expect, it } from 'vitest';
import { MAX_BALANCE } from '../../money/limits.js';
import type { NewTopupBatch } from '../../ports/index.js';
import {
  countKinds,
  createUser,
  DAY_MS,
  expectKind,
  type OpenDurableStores,
  randomHash,
  unique,
  useStores,
} from './fixtures.js';

export function describeTopupCodeStoreContract(open: OpenDurableStores): void {
  describe('TopupCodeStore', () => {
    const stores = useStores(open);

    async function batch(overrides: Partial<NewTopupBatch> = {}): Promise<NewTopupBatch> {
      const created: NewTopupBatch = {
        batchId: unique('batch'),
        quota: 5000n,
        expiresAt: null,
        codeHashes: [randomHash(), randomHash()],
        createdBy: 'admin',
        ...overrides,
      };
      await stores().topupCodes.createBatch(created);
      return created;
    }

    it('SEC-32: a code that would pass MAX_BALANCE is refused and stays unused', async () => {
      const user = await createUser(stores());
      expectKind(
        await stores().ledger.apply({
          userId: user.id,
          amount: MAX_BALANCE - 4999n,
          kind: 'credit',
          actor: 'admin',
        }),
        'applied',
      );
      const { codeHashes } = await batch();
      expectKind(await stores().topupCodes.redeem(codeHashes[0]!, user.id, new Date()), 'balance_limit');
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(MAX_BALANCE - 4999n);
      const other = await createUser(stores());
      expectKind(await stores().topupCodes.redeem(codeHashes[0]!, other.id, new Date()), 'redeemed');
    });

    it('redeems a code once and credits its quota as a top-up', async () => {
      const user = await createUser(stores());
      const { batchId, codeHashes } = await batch();
      const code = codeHashes[0]!;
      const { entry } = expectKind(await stores().topupCodes.redeem(code, user.id, new Date()), 'redeemed');
      expect(entry).toMatchObject({ userId: user.id, amount: 5000n, kind: 'topup', balanceAfter: 5000n });
      expect(entry.actor).toContain(batchId);
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(5000n);

      expectKind(await stores().topupCodes.redeem(code, user.id, new Date()), 'used');
      const other = await createUser(stores());
      expectKind(await stores().topupCodes.redeem(code, other.id, new Date()), 'used');
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(5000n);
      expect((await stores().ledger.getBalance(other.id))?.quota).toBe(0n);
    });

    it('keeps the codes of a batch independent', async () => {
      const user = await createUser(stores());
      const { codeHashes } = await batch({ quota: 10n });
      for (const code of codeHashes) {
        expectKind(await stores().topupCodes.redeem(code, user.id, new Date()), 'redeemed');
      }
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(20n);
    });

    it('answers not_found for an unknown code', async () => {
      const user = await createUser(stores());
      expectKind(await stores().topupCodes.redeem(randomHash(), user.id, new Date()), 'not_found');
    });

    it('refuses an expired code and credits nothing', async () => {
      const user = await createUser(stores());
      const now = new Date();
      const { codeHashes } = await batch({ expiresAt: new Date(now.getTime() - 1000) });
      expectKind(await stores().topupCodes.redeem(codeHashes[0]!, user.id, now), 'expired');
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(0n);
      expect(await stores().ledger.listEntries(user.id, 10)).toEqual([]);
    });

    it('honours a code until its expiry, judged by the given time', async () => {
      const user = await createUser(stores());
      const expiresAt = new Date(Date.now() + DAY_MS);
      const { codeHashes } = await batch({ expiresAt });
      expectKind(
        await stores().topupCodes.redeem(codeHashes[0]!, user.id, new Date(expiresAt.getTime() + 1)),
        'expired',
      );
      expectKind(
        await stores().topupCodes.redeem(codeHashes[0]!, user.id, new Date(expiresAt.getTime() - 1)),
        'redeemed',
      );
    });

    it('refuses a code hash that already exists', async () => {
      const { codeHashes } = await batch();
      await expect(batch({ codeHashes: [codeHashes[0]!] })).rejects.toMatchObject({ name: 'DuplicateError' });
    });

    it('accepts an empty batch', async () => {
      await expect(batch({ codeHashes: [] })).resolves.toBeDefined();
    });

    it('redeems exactly once under 100 concurrent attempts and credits once', async () => {
      const users = await Promise.all(Array.from({ length: 4 }, () => createUser(stores())));
      const { codeHashes } = await batch({ quota: 777n, codeHashes: [randomHash()] });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          stores().topupCodes.redeem(codeHashes[0]!, users[i % users.length]!.id, new Date()),
        ),
      );
      expect(countKinds(results)).toEqual({ redeemed: 1, used: 99 });
      const balances = await Promise.all(users.map((user) => stores().ledger.getBalance(user.id)));
      expect(balances.reduce((sum, balance) => sum + (balance?.quota ?? 0n), 0n)).toBe(777n);
    });
  });
}
