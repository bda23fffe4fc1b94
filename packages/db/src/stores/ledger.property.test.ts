import type { BalanceChange } from '@gatehouse/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

/**
 * A random change, sometimes under a reused idempotency key. Mostly small amounts, so
 * the balance keeps brushing against zero, where the bugs would be.
 */
const change = fc.record({
  amount: fc
    .oneof(fc.bigInt({ min: -12n, max: 10n }), fc.bigInt({ min: -1500n, max: 1000n }))
    .filter((amount) => amount !== 0n),
  key: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null }),
});

describe('LedgerStore (property)', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  }, 120_000);
  afterAll(() => test?.close());

  it('keeps the balance equal to the sum of applied entries and never below zero', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { maxLength: 15 }), async (changes) => {
        const { users, ledger } = test.stores;
        const user = await users.create({
          username: `prop${run}`,
          email: `prop${run++}@example.test`,
          passwordHash: 'x',
        });
        let expected = 0n;
        const firstByKey = new Map<string, bigint>();
        for (const { amount, key } of changes) {
          const request: BalanceChange = {
            userId: user.id,
            amount,
            kind: amount > 0n ? 'credit' : 'debit',
            actor: 'property',
            idempotencyKey: key,
            // Keys belong to their caller (SEC-33): each run is its own caller.
            idempotencyScope: `property:${user.id}`,
          };
          const result = await ledger.apply(request);
          const first = key === null ? undefined : firstByKey.get(key);
          if (first !== undefined) {
            expect(result.kind).toBe(first === amount ? 'replayed' : 'idempotency_conflict');
          } else if (expected + amount < 0n) {
            expect(result.kind).toBe('insufficient_funds');
          } else {
            expect(result).toMatchObject({ kind: 'applied', entry: { balanceAfter: expected + amount } });
            expected += amount;
            if (key !== null) firstByKey.set(key, amount);
          }
        }
        const entries = await ledger.listEntries(user.id, 1000);
        const balance = await ledger.getBalance(user.id);
        expect(balance?.quota).toBe(expected);
        expect(entries.reduce((sum, entry) => sum + entry.amount, 0n)).toBe(expected);
        const debited = entries.filter((entry) => entry.amount < 0n).reduce((sum, e) => sum - e.amount, 0n);
        expect(balance?.usedQuota).toBe(debited);
        expect(entries.every((entry) => entry.balanceAfter >= 0n)).toBe(true);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
