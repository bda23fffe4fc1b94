import { randomId } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { adminHeaders, createUser, useTestApp } from './testing/fixtures.js';

const t = useTestApp();

function credit(userId: number, quota: number, key: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/admin/users/${userId}/credits`,
    headers: { ...adminHeaders, 'idempotency-key': key },
    payload: { quota, reason: 'goodwill' },
  });
}

const balanceOf = async (userId: number) => (await t.stores.db.ledger.getBalance(userId))!.quota;

describe('Idempotency-Key belongs to the caller, not to the user it names (SEC-33)', () => {
  it('the same key for another user is 422 and credits nobody again; a replay returns the first result', async () => {
    const [a, b] = [await createUser(t.stores), await createUser(t.stores)];
    const key = `k-${randomId(8)}`;
    const first = await credit(a.id, 100, key);
    expect(first.statusCode).toBe(200);

    const forB = await credit(b.id, 100, key);
    expect(forB.statusCode).toBe(422);
    expect(forB.json()).toMatchObject({ success: false, message: expect.stringMatching(/another user/) });
    expect(await balanceOf(b.id)).toBe(0n);

    const otherAmount = await credit(a.id, 101, key);
    expect(otherAmount.statusCode).toBe(422);

    const replay = await credit(a.id, 100, key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().data).toEqual(first.json().data);
    expect(await balanceOf(a.id)).toBe(100n);
  });
});
