// The ChargeStore contract: one file, as every port's contract suite is, so an implementation
// proves the whole port (holds, captures, refunds, allowances, SEC-92 idempotency) in one place.
import { describe, expect, it } from 'vitest';
import type { Allowance } from '../../charges/allowance.js';
import { periodStart } from '../../charges/period.js';
import type {
  ChargeStore,
  Client,
  IdempotentRequest,
  MovementOutcome,
  NewCharge,
  StoredResponse,
  User,
} from '../../ports/index.js';
import {
  createClient,
  createUser,
  expectKind,
  type OpenDurableStores,
  unique,
  useStores,
} from './fixtures.js';

const HOUR = 3_600_000;

/** What the charges route renders; here just enough to prove a replay returns the first one. */
const render = (outcome: MovementOutcome): StoredResponse => ({
  status: 201,
  body: { id: outcome.charge.id, quota: outcome.balance.quota.toString(), used: outcome.used.toString() },
});

export function describeChargeStoreContract(open: OpenDurableStores): void {
  describe('ChargeStore', () => {
    const stores = useStores(open);
    const charges = (): ChargeStore => stores().charges;

    async function setup(balance: bigint, allowance: Allowance) {
      const user = await createUser(stores());
      const client = await createClient(stores());
      if (balance > 0n) {
        await stores().ledger.apply({ userId: user.id, amount: balance, kind: 'credit', actor: 'admin' });
      }
      await stores().grants.upsert(user.id, client.id, ['profile', 'charge']);
      expect(await charges().setAllowance(user.id, client.id, allowance)).toBe(true);
      return { user, client };
    }

    const key = (user: User, client: Client, fingerprint = 'f1', k = unique('key')): IdempotentRequest => ({
      scope: `client:${client.id}:user:${user.id}`,
      key: k,
      fingerprint,
    });

    function newCharge(
      user: User,
      client: Client,
      amount: bigint,
      extra: Partial<NewCharge> = {},
    ): NewCharge {
      const now = extra.now ?? new Date();
      const allowance = extra.allowance ?? { limit: 0n, period: 'total' };
      return {
        id: unique('ch_'),
        userId: user.id,
        clientId: client.id,
        amount,
        capture: true,
        description: 'a test charge',
        reference: null,
        allowance,
        periodStart: periodStart(allowance.period, now),
        holdExpiresAt: new Date(now.getTime() + HOUR),
        now,
        ...extra,
      };
    }

    async function expectConsistent() {
      expect(await charges().checkLedger()).toEqual([]);
    }

    it('stores the allowance with the grant and removes it with the scope', async () => {
      const allowance: Allowance = { limit: 500n, period: 'week' };
      const { user, client } = await setup(0n, allowance);
      expect(await charges().getAllowance(user.id, client.id)).toEqual(allowance);
      expect(await charges().setAllowance(user.id, client.id, null)).toBe(true);
      expect(await charges().getAllowance(user.id, client.id)).toBeNull();
      expect((await stores().grants.find(user.id, client.id))?.scopes).toEqual(['profile']);
      // Without `charge` among the scopes no allowance can be set.
      expect(await charges().setAllowance(user.id, client.id, allowance)).toBe(false);
    });

    it('charges: balance, usage, typed ledger row with client and charge id, all at once', async () => {
      const allowance: Allowance = { limit: 1000n, period: 'day' };
      const { user, client } = await setup(700n, allowance);
      const input = newCharge(user, client, 300n, { allowance, reference: 'order-9' });
      const result = expectKind(await charges().create(input, key(user, client), render), 'created');
      expect(result.outcome.charge).toMatchObject({
        id: input.id,
        status: 'succeeded',
        amount: 300n,
        capturedAmount: 300n,
      });
      expect(result.outcome.balance).toMatchObject({ quota: 400n, held: 0n, usedQuota: 300n });
      expect(result.outcome.used).toBe(300n);
      const [entry] = await stores().ledger.listEntries(user.id, 1);
      expect(entry).toMatchObject({
        kind: 'charge',
        amount: -300n,
        balanceAfter: 400n,
        reference: 'order-9',
      });
      expect(await charges().usage(user.id, client.id, input.periodStart)).toBe(300n);
      await expectConsistent();
    });

    it('refuses past the allowance or the balance and writes nothing', async () => {
      const allowance: Allowance = { limit: 100n, period: 'total' };
      const { user, client } = await setup(1000n, allowance);
      expectKind(
        await charges().create(newCharge(user, client, 101n, { allowance }), key(user, client), render),
        'allowance_exceeded',
      );
      const poor = await setup(50n, allowance);
      const refused = expectKind(
        await charges().create(
          newCharge(poor.user, poor.client, 60n, { allowance }),
          key(poor.user, poor.client),
          render,
        ),
        'insufficient_balance',
      );
      expect(refused.balance.quota).toBe(50n);
      expect(await charges().usage(poor.user.id, poor.client.id, new Date(0))).toBe(0n);
      expect(await charges().list({ userId: poor.user.id, limit: 10 })).toEqual([]);
      // A changed period makes the read allowance stale: refused, not charged under the old one.
      expectKind(
        await charges().create(
          newCharge(user, client, 1n, { allowance: { limit: 100n, period: 'day' } }),
          key(user, client),
          render,
        ),
        'allowance_exceeded',
      );
      await expectConsistent();
    });

    it('replays a key with its first response and refuses the key with another body', async () => {
      const allowance: Allowance = { limit: 1000n, period: 'total' };
      const { user, client } = await setup(1000n, allowance);
      const k = key(user, client);
      const first = expectKind(
        await charges().create(newCharge(user, client, 10n, { allowance }), k, render),
        'created',
      );
      const again = expectKind(
        await charges().create(newCharge(user, client, 10n, { allowance }), k, render),
        'replayed',
      );
      expect(again.response).toEqual(first.response);
      expectKind(
        await charges().create(
          newCharge(user, client, 20n, { allowance }),
          { ...k, fingerprint: 'other' },
          render,
        ),
        'idempotency_conflict',
      );
      expect((await charges().getBalance(user.id))?.quota).toBe(990n);
    });

    it('100 parallel charges against an allowance of 10 × the amount: exactly 10 pass', async () => {
      const allowance: Allowance = { limit: 100n, period: 'month' };
      const { user, client } = await setup(100_000n, allowance);
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          charges().create(newCharge(user, client, 10n, { allowance }), key(user, client), render),
        ),
      );
      const kinds = results.map((r) => r.kind);
      expect(kinds.filter((k) => k === 'created')).toHaveLength(10);
      expect(kinds.filter((k) => k === 'allowance_exceeded')).toHaveLength(90);
      expect((await charges().getBalance(user.id))?.quota).toBe(100_000n - 100n);
      await expectConsistent();
    }, 60_000);

    it('100 parallel charges against a balance of 10 × the amount: exactly 10 pass', async () => {
      const allowance: Allowance = { limit: 100_000n, period: 'total' };
      const { user, client } = await setup(100n, allowance);
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          charges().create(newCharge(user, client, 10n, { allowance }), key(user, client), render),
        ),
      );
      const kinds = results.map((r) => r.kind);
      expect(kinds.filter((k) => k === 'created')).toHaveLength(10);
      expect(kinds.filter((k) => k === 'insufficient_balance')).toHaveLength(90);
      expect(await charges().getBalance(user.id)).toMatchObject({ quota: 0n, held: 0n });
      expect(await charges().usage(user.id, client.id, new Date(0))).toBe(100n);
      await expectConsistent();
    }, 60_000);

    it('50 parallel replays of one key charge once', async () => {
      const allowance: Allowance = { limit: 100_000n, period: 'total' };
      const { user, client } = await setup(1000n, allowance);
      const k = key(user, client);
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          charges().create(newCharge(user, client, 7n, { allowance }), k, render),
        ),
      );
      const created = results.filter((r) => r.kind === 'created');
      expect(created).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(49);
      for (const r of results) if (r.kind === 'replayed') expect(r.response).toEqual(created[0]!.response);
      expect((await charges().getBalance(user.id))?.quota).toBe(993n);
      expect(await charges().list({ userId: user.id, limit: 100 })).toHaveLength(1);
      await expectConsistent();
    }, 60_000);

    it('hold → partial capture → refund leaves balance, held and allowance exact', async () => {
      const allowance: Allowance = { limit: 500n, period: 'day' };
      const now = new Date();
      const { user, client } = await setup(1000n, allowance);
      const hold = newCharge(user, client, 400n, { allowance, capture: false, now });
      const held = expectKind(await charges().create(hold, key(user, client), render), 'created');
      expect(held.outcome.charge).toMatchObject({ status: 'held', amount: 400n, capturedAmount: 0n });
      expect(held.outcome.balance).toMatchObject({ quota: 600n, held: 400n });
      expect(held.outcome.used).toBe(400n);
      await expectConsistent();

      // Another client cannot touch it.
      const other = await createClient(stores());
      expectKind(
        await charges().capture({ chargeId: hold.id, clientId: other.id, now }, null, render),
        'not_found',
      );
      expectKind(
        await charges().capture({ chargeId: hold.id, clientId: client.id, now, amount: 401n }, null, render),
        'amount_exceeds_hold',
      );

      const captured = expectKind(
        await charges().capture(
          { chargeId: hold.id, clientId: client.id, now, amount: 150n },
          key(user, client),
          render,
        ),
        'done',
      );
      expect(captured.outcome.charge).toMatchObject({
        status: 'succeeded',
        capturedAmount: 150n,
        holdExpiresAt: null,
      });
      expect(captured.outcome.balance).toMatchObject({ quota: 850n, held: 0n, usedQuota: 150n });
      expect(captured.outcome.used).toBe(150n);
      expectKind(
        await charges().cancel({ chargeId: hold.id, clientId: client.id, now }, null, render),
        'not_held',
      );

      const refund = (amount: bigint | undefined) =>
        charges().refund(
          {
            chargeId: hold.id,
            clientId: client.id,
            now,
            amount,
            refundId: unique('re_'),
            reason: 'sorry',
            actor: `client:${client.id}`,
          },
          key(user, client),
          render,
        );
      expectKind(await refund(151n), 'exceeds_captured');
      const first = expectKind(await refund(50n), 'done');
      expect(first.outcome.refund).toMatchObject({ amount: 50n, reason: 'sorry' });
      expect(first.outcome.balance.quota).toBe(900n);
      expect(first.outcome.used).toBe(100n);
      const rest = expectKind(await refund(undefined), 'done');
      expect(rest.outcome.charge).toMatchObject({ refundedAmount: 150n });
      expect(rest.outcome.balance).toMatchObject({ quota: 1000n, held: 0n });
      expect(rest.outcome.used).toBe(0n);
      expectKind(await refund(undefined), 'exceeds_captured');

      const kinds = (await stores().ledger.listEntries(user.id, 10)).map((e) => e.kind);
      expect(kinds).toEqual(['refund', 'refund', 'release', 'capture', 'hold', 'credit']);
      expect((await charges().listRefunds([hold.id])).map((r) => r.amount).sort()).toEqual(
        [100n, 50n].sort(),
      );
      await expectConsistent();
    });

    it('cancels a hold and releases expired holds', async () => {
      const allowance: Allowance = { limit: 500n, period: 'total' };
      const now = new Date();
      const { user, client } = await setup(500n, allowance);
      const a = newCharge(user, client, 100n, { allowance, capture: false, now });
      const b = newCharge(user, client, 200n, {
        allowance,
        capture: false,
        now,
        holdExpiresAt: new Date(now.getTime() + 1000),
      });
      expectKind(await charges().create(a, key(user, client), render), 'created');
      expectKind(await charges().create(b, key(user, client), render), 'created');
      expectKind(await charges().cancel({ chargeId: a.id, clientId: client.id, now }, null, render), 'done');
      expect(await charges().getBalance(user.id)).toMatchObject({ quota: 300n, held: 200n });
      const later = new Date(now.getTime() + 2000);
      expectKind(
        await charges().capture({ chargeId: b.id, clientId: client.id, now: later }, null, render),
        'hold_expired',
      );
      const released = await charges().releaseExpired(later);
      expect(released.map((c) => c.id)).toContain(b.id);
      expect(await charges().getBalance(user.id)).toMatchObject({ quota: 500n, held: 0n });
      expect(await charges().usage(user.id, client.id, new Date(0))).toBe(0n);
      expect((await charges().get(b.id))?.status).toBe('canceled');
      await expectConsistent();
    });

    it('counts usage per calendar period: a new day has its own allowance', async () => {
      const allowance: Allowance = { limit: 100n, period: 'day' };
      const { user, client } = await setup(1000n, allowance);
      const day1 = new Date('2026-03-14T23:59:00Z');
      const day2 = new Date('2026-03-15T00:00:00Z');
      expectKind(
        await charges().create(
          newCharge(user, client, 100n, { allowance, now: day1 }),
          key(user, client),
          render,
        ),
        'created',
      );
      expectKind(
        await charges().create(
          newCharge(user, client, 1n, { allowance, now: day1 }),
          key(user, client),
          render,
        ),
        'allowance_exceeded',
      );
      expectKind(
        await charges().create(
          newCharge(user, client, 100n, { allowance, now: day2 }),
          key(user, client),
          render,
        ),
        'created',
      );
      expect(await charges().usage(user.id, client.id, periodStart('day', day1))).toBe(100n);
      expect(await charges().usage(user.id, client.id, periodStart('day', day2))).toBe(100n);
    });

    it('lists newest first with starting_after and filters by client and user', async () => {
      const allowance: Allowance = { limit: 1000n, period: 'total' };
      const { user, client } = await setup(1000n, allowance);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const c = newCharge(user, client, 1n, { allowance });
        ids.push(c.id);
        expectKind(await charges().create(c, key(user, client), render), 'created');
      }
      const page1 = await charges().list({ userId: user.id, clientId: client.id, limit: 2 });
      expect(page1.map((c) => c.id)).toEqual([ids[2], ids[1]]);
      const page2 = await charges().list({
        userId: user.id,
        clientId: client.id,
        limit: 2,
        startingAfter: ids[1],
      });
      expect(page2.map((c) => c.id)).toEqual([ids[0]]);
      const other = await createClient(stores());
      expect(await charges().list({ userId: user.id, clientId: other.id, limit: 2 })).toEqual([]);
    });
  });
}
