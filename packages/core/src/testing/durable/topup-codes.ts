import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TopupCodeState, topupRefusal } from '../../accounts/redeem-topup.js';
import { MAX_BALANCE } from '../../money/limits.js';
import type { DurableStores, NewTopupBatch } from '../../ports/index.js';
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

const HOUR_MS = 3_600_000;

/**
 * One generated situation a code meets when it is redeemed at `now`: unknown, used (earlier,
 * while still valid, by this user or another), or unused with no expiry, expired, expiring
 * exactly at `now`, or valid until later.
 */
const codeStates = fc.record({
  code: fc.constantFrom('unknown', 'unused', 'used_by_self', 'used_by_other'),
  expiry: fc.constantFrom('none', 'past', 'now', 'future'),
  quota: fc.bigInt({ min: 1n, max: 1_000_000n }),
  /** What the user held before, from an ordinary credit. */
  held: fc.bigInt({ min: 0n, max: 1_000_000n }),
});

/** Each named state at least once, whatever the random runs draw. */
const EVERY_STATE = [
  { code: 'unknown', expiry: 'none' },
  { code: 'used_by_self', expiry: 'none' },
  { code: 'used_by_other', expiry: 'future' },
  { code: 'unused', expiry: 'past' },
  { code: 'unused', expiry: 'now' },
  { code: 'unused', expiry: 'none' },
  { code: 'unused', expiry: 'future' },
] as const;

type CodeState = typeof codeStates extends fc.Arbitrary<infer T> ? T : never;

/** The balance is the sum of the ledger, and what the store says it is. */
async function expectBalanceIsLedger(stores: DurableStores, userId: number): Promise<bigint> {
  const entries = await stores.ledger.listEntries(userId, 100);
  const sum = entries.reduce((total, entry) => total + entry.amount, 0n);
  expect((await stores.ledger.getBalance(userId))?.quota ?? 0n).toBe(sum);
  return sum;
}

/**
 * The store redeems a code exactly when core's `topupRefusal` says it may, and otherwise
 * answers the reason core gives: the WHERE clause and the rule are one rule.
 */
function describeTopupRefusalProperty(stores: () => DurableStores): void {
  describe('TopupCodeStore refuses exactly when core says so', () => {
    /** Stores the state's code and returns it as core's rule sees it. */
    async function arrange(state: CodeState, userId: number, otherId: number, now: Date) {
      const expiresAt = {
        none: null,
        past: new Date(now.getTime() - 60_000),
        now,
        future: new Date(now.getTime() + HOUR_MS),
      }[state.expiry];
      const codeHash = randomHash();
      if (state.code === 'unknown') return { codeHash, code: undefined };
      const batchId = unique('batch');
      await stores().topupCodes.createBatch({
        batchId,
        quota: state.quota,
        expiresAt,
        codeHashes: [codeHash],
        createdBy: 'admin',
      });
      let redeemedAt: Date | null = null;
      if (state.code !== 'unused') {
        redeemedAt = new Date(now.getTime() - HOUR_MS);
        const by = state.code === 'used_by_self' ? userId : otherId;
        expectKind(await stores().topupCodes.redeem(codeHash, by, redeemedAt), 'redeemed');
      }
      const code: TopupCodeState = { redeemedAt, expiresAt };
      return { codeHash, code };
    }

    it('over generated code states', async () => {
      const other = await createUser(stores());
      await fc.assert(
        fc.asyncProperty(codeStates, async (state) => {
          const user = await createUser(stores());
          if (state.held > 0n) {
            expectKind(
              await stores().ledger.apply({
                userId: user.id,
                amount: state.held,
                kind: 'credit',
                actor: 'admin',
              }),
              'applied',
            );
          }
          const now = new Date();
          const { codeHash, code } = await arrange(state, user.id, other.id, now);
          const before = await expectBalanceIsLedger(stores(), user.id);
          const expected = topupRefusal(code, now);

          const result = await stores().topupCodes.redeem(codeHash, user.id, now);

          const after = await expectBalanceIsLedger(stores(), user.id);
          await expectBalanceIsLedger(stores(), other.id);
          if (expected === null) {
            const { entry } = expectKind(result, 'redeemed');
            expect(entry).toMatchObject({ userId: user.id, amount: state.quota, kind: 'topup' });
            expect(after).toBe(before + state.quota);
            // Redeemed once: the same code at the same moment is now used.
            expectKind(await stores().topupCodes.redeem(codeHash, user.id, now), 'used');
          } else {
            expect(result).toEqual({ kind: expected });
            expect(after).toBe(before);
          }
        }),
        {
          numRuns: 25,
          examples: EVERY_STATE.map((named): [CodeState] => [{ ...named, quota: 500n, held: 100n }]),
        },
      );
    });
  });
}

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

    describeTopupRefusalProperty(stores);
  });
}
