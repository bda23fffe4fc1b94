import { describe, expect, it } from 'vitest';
import { MAX_BALANCE } from '../../money/limits.js';
import type { BalanceChange, User } from '../../ports/index.js';
import { countKinds, createUser, expectKind, type OpenDurableStores, unique, useStores } from './fixtures.js';

export function describeLedgerStoreContract(open: OpenDurableStores): void {
  describe('LedgerStore', () => {
    const stores = useStores(open);

    const credit = (user: User, amount: bigint, extra: Partial<BalanceChange> = {}): BalanceChange => ({
      userId: user.id,
      amount,
      kind: 'credit',
      actor: 'admin',
      ...extra,
    });
    const debit = (user: User, amount: bigint, extra: Partial<BalanceChange> = {}): BalanceChange => ({
      userId: user.id,
      amount: -amount,
      kind: 'debit',
      actor: `user:${user.id}`,
      ...extra,
    });

    async function funded(quota: bigint): Promise<User> {
      const user = await createUser(stores());
      if (quota > 0n) expectKind(await stores().ledger.apply(credit(user, quota)), 'applied');
      return user;
    }

    it('answers null for the balance of an unknown user', async () => {
      expect(await stores().ledger.getBalance(2_000_000_000)).toBeNull();
    });

    it('applies a credit as one entry and one balance change', async () => {
      const user = await createUser(stores());
      const { entry } = expectKind(
        await stores().ledger.apply(
          credit(user, 750n, { reference: 'order-1', idempotencyKey: unique('key'), actor: 'admin' }),
        ),
        'applied',
      );
      expect(entry).toMatchObject({
        userId: user.id,
        amount: 750n,
        kind: 'credit',
        reference: 'order-1',
        actor: 'admin',
        balanceAfter: 750n,
      });
      expect(entry.createdAt).toBeInstanceOf(Date);
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({ quota: 750n, usedQuota: 0n });
      expect(await stores().ledger.listEntries(user.id, 10)).toEqual([entry]);
    });

    it('applies a debit and adds it to the used quota', async () => {
      const user = await funded(1000n);
      const { entry } = expectKind(await stores().ledger.apply(debit(user, 400n)), 'applied');
      expect(entry).toMatchObject({ amount: -400n, kind: 'debit', balanceAfter: 600n });
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({ quota: 600n, usedQuota: 400n });
    });

    it('allows a debit down to exactly zero', async () => {
      const user = await funded(100n);
      expectKind(await stores().ledger.apply(debit(user, 100n)), 'applied');
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(0n);
    });

    it('refuses a debit that would go below zero and writes nothing', async () => {
      const user = await funded(100n);
      const before = await stores().ledger.listEntries(user.id, 10);
      const result = expectKind(
        await stores().ledger.apply(debit(user, 101n, { idempotencyKey: unique('key') })),
        'insufficient_funds',
      );
      expect(result.balance).toMatchObject({ userId: user.id, quota: 100n, usedQuota: 0n });
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({ quota: 100n, usedQuota: 0n });
      expect(await stores().ledger.listEntries(user.id, 10)).toEqual(before);
    });

    it('answers user_not_found for a user without a balance', async () => {
      expectKind(
        await stores().ledger.apply({ ...credit({ id: 2_000_000_000 } as User, 5n) }),
        'user_not_found',
      );
    });

    it('keeps exact integers up to MAX_BALANCE (2^53 - 1)', async () => {
      const user = await createUser(stores());
      expectKind(await stores().ledger.apply(credit(user, MAX_BALANCE)), 'applied');
      expectKind(await stores().ledger.apply(debit(user, 1n)), 'applied');
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({
        quota: MAX_BALANCE - 1n,
        usedQuota: 1n,
      });
    });

    it('SEC-32: refuses a credit past MAX_BALANCE in the statement itself, writing nothing', async () => {
      const user = await funded(MAX_BALANCE - 10n);
      const before = await stores().ledger.listEntries(user.id, 10);
      for (const amount of [11n, 2n ** 62n]) {
        const result = expectKind(await stores().ledger.apply(credit(user, amount)), 'balance_limit');
        expect(result.balance).toMatchObject({ quota: MAX_BALANCE - 10n });
      }
      expect(await stores().ledger.listEntries(user.id, 10)).toEqual(before);
      expectKind(await stores().ledger.apply(credit(user, 10n)), 'applied');
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(MAX_BALANCE);
    });

    it('SEC-32: concurrent credits never pass MAX_BALANCE together', async () => {
      const user = await funded(MAX_BALANCE - 100n);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => stores().ledger.apply(credit(user, 30n))),
      );
      expect(countKinds(results)).toEqual({ applied: 3, balance_limit: 7 });
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(MAX_BALANCE - 10n);
    });

    it('SEC-32: refuses a debit that would take the used quota past MAX_BALANCE', async () => {
      const user = await funded(MAX_BALANCE);
      expectKind(await stores().ledger.apply(debit(user, MAX_BALANCE - 5n)), 'applied');
      expectKind(await stores().ledger.apply(credit(user, MAX_BALANCE - 5n)), 'applied');
      const result = expectKind(await stores().ledger.apply(debit(user, 6n)), 'balance_limit');
      expect(result.balance).toMatchObject({ usedQuota: MAX_BALANCE - 5n });
      expectKind(await stores().ledger.apply(debit(user, 5n)), 'applied');
    });

    it('returns the first result to a retry with the same key, amount and kind', async () => {
      const user = await createUser(stores());
      const key = unique('key');
      const first = expectKind(
        await stores().ledger.apply(credit(user, 300n, { idempotencyKey: key })),
        'applied',
      );
      const retry = expectKind(
        await stores().ledger.apply(credit(user, 300n, { idempotencyKey: key })),
        'replayed',
      );
      expect(retry.entry).toEqual(first.entry);
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(300n);
      expect(await stores().ledger.listEntries(user.id, 10)).toHaveLength(1);
    });

    it('replays a debit even after the money it took is gone', async () => {
      const user = await funded(100n);
      const key = unique('key');
      expectKind(await stores().ledger.apply(debit(user, 100n, { idempotencyKey: key })), 'applied');
      expectKind(await stores().ledger.apply(debit(user, 100n, { idempotencyKey: key })), 'replayed');
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({ quota: 0n, usedQuota: 100n });
    });

    it('refuses the same key with another amount or kind and writes nothing', async () => {
      const user = await createUser(stores());
      const key = unique('key');
      const first = expectKind(
        await stores().ledger.apply(credit(user, 300n, { idempotencyKey: key })),
        'applied',
      );
      const otherAmount = expectKind(
        await stores().ledger.apply(credit(user, 301n, { idempotencyKey: key })),
        'idempotency_conflict',
      );
      expect(otherAmount.entry).toEqual(first.entry);
      expectKind(
        await stores().ledger.apply(credit(user, 300n, { idempotencyKey: key, kind: 'refund' })),
        'idempotency_conflict',
      );
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(300n);
      expect(await stores().ledger.listEntries(user.id, 10)).toHaveLength(1);
    });

    it('SEC-33: a key belongs to the caller: the same key for another user is a conflict', async () => {
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      const key = unique('key');
      const first = expectKind(
        await stores().ledger.apply(credit(a, 10n, { idempotencyKey: key })),
        'applied',
      );
      const other = expectKind(
        await stores().ledger.apply(credit(b, 10n, { idempotencyKey: key })),
        'idempotency_conflict',
      );
      expect(other.entry).toEqual(first.entry);
      expect((await stores().ledger.getBalance(b.id))?.quota).toBe(0n);
      // The first result is still what a retry for A gets.
      const retry = expectKind(
        await stores().ledger.apply(credit(a, 10n, { idempotencyKey: key })),
        'replayed',
      );
      expect(retry.entry).toEqual(first.entry);
    });

    it('SEC-33: another caller may use the same key (scope defaults to the actor)', async () => {
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      const key = unique('key');
      expectKind(await stores().ledger.apply(credit(a, 10n, { idempotencyKey: key })), 'applied');
      expectKind(
        await stores().ledger.apply(credit(b, 10n, { idempotencyKey: key, actor: 'client:7' })),
        'applied',
      );
      expectKind(
        await stores().ledger.apply(credit(b, 10n, { idempotencyKey: key, idempotencyScope: 'client:8' })),
        'applied',
      );
      expect((await stores().ledger.getBalance(b.id))?.quota).toBe(20n);
    });

    it('SEC-33: concurrent uses of one key for different users credit one of them once', async () => {
      const users = [await createUser(stores()), await createUser(stores()), await createUser(stores())];
      const key = unique('key');
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          stores().ledger.apply(credit(users[i % 3]!, 5n, { idempotencyKey: key })),
        ),
      );
      const counts = countKinds(results);
      expect(counts.applied).toBe(1);
      expect((counts.replayed ?? 0) + (counts.idempotency_conflict ?? 0)).toBe(11);
      const balances = await Promise.all(
        users.map(async (u) => (await stores().ledger.getBalance(u.id))?.quota),
      );
      expect(balances.filter((q) => q === 5n)).toHaveLength(1);
      expect(balances.filter((q) => q === 0n)).toHaveLength(2);
    });

    it('a refused change does not use up its key', async () => {
      const user = await createUser(stores());
      const key = unique('key');
      expectKind(
        await stores().ledger.apply(debit(user, 50n, { idempotencyKey: key })),
        'insufficient_funds',
      );
      expectKind(await stores().ledger.apply(credit(user, 50n)), 'applied');
      expectKind(await stores().ledger.apply(debit(user, 50n, { idempotencyKey: key })), 'applied');
    });

    it('credits exactly once under 20 concurrent duplicates', async () => {
      const user = await createUser(stores());
      const key = unique('key');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => stores().ledger.apply(credit(user, 500n, { idempotencyKey: key }))),
      );
      expect(countKinds(results)).toEqual({ applied: 1, replayed: 19 });
      expect((await stores().ledger.getBalance(user.id))?.quota).toBe(500n);
      expect(await stores().ledger.listEntries(user.id, 100)).toHaveLength(1);
    });

    it('never overdraws under concurrent debits', async () => {
      const user = await funded(100n);
      const results = await Promise.all(
        Array.from({ length: 30 }, () => stores().ledger.apply(debit(user, 10n))),
      );
      expect(countKinds(results)).toEqual({ applied: 10, insufficient_funds: 20 });
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({ quota: 0n, usedQuota: 100n });
      const entries = await stores().ledger.listEntries(user.id, 100);
      expect(entries).toHaveLength(11);
      expect(entries.every((entry) => entry.balanceAfter >= 0n)).toBe(true);
    });

    it('lists entries newest first, up to the limit', async () => {
      const user = await createUser(stores());
      for (const amount of [1n, 2n, 3n])
        expectKind(await stores().ledger.apply(credit(user, amount)), 'applied');
      const entries = await stores().ledger.listEntries(user.id, 2);
      expect(entries.map((e) => e.amount)).toEqual([3n, 2n]);
      expect(entries.map((e) => e.balanceAfter)).toEqual([6n, 3n]);
      expect(await stores().ledger.listEntries((await createUser(stores())).id, 10)).toEqual([]);
    });
  });
}
