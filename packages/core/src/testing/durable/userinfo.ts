import { describe, expect, it } from 'vitest';
import type { DurableStores, UserinfoRecord } from '../../ports/index.js';
import { createClient, createUser, expectKind, type OpenDurableStores, useStores } from './fixtures.js';

/**
 * What the three single-table reads answer for the same rows, narrowed to the record's
 * fields: the reader must agree with them exactly.
 */
async function readSeparately(
  stores: DurableStores,
  userId: number,
  clientId: number,
): Promise<UserinfoRecord | null> {
  const [user, balance, client] = await Promise.all([
    stores.users.findById(userId),
    stores.ledger.getBalance(userId),
    stores.clients.findById(clientId),
  ]);
  if (!user) return null;
  return {
    user: {
      id: user.id,
      username: user.username,
      email: user.email,
      emailVerified: user.emailVerified,
      status: user.status,
      createdAt: user.createdAt,
    },
    balance: balance && {
      quota: balance.quota,
      usedQuota: balance.usedQuota,
      held: (balance as { held?: bigint }).held ?? 0n,
    },
    client: client && {
      id: client.id,
      clientId: client.clientId,
      disabled: client.disabled,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      redirectUris: client.redirectUris,
      allowedOrigins: client.allowedOrigins,
    },
  };
}

export function describeUserinfoReaderContract(open: OpenDurableStores): void {
  describe('UserinfoReader', () => {
    const stores = useStores(open);

    it('reads the user, their balance and the client together', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      const record = await stores().userinfo.read(user.id, client.id);
      expect(record).toEqual({
        user: {
          id: user.id,
          username: user.username,
          email: user.email,
          emailVerified: false,
          status: 'active',
          createdAt: user.createdAt,
        },
        balance: { quota: 0n, usedQuota: 0n, held: 0n },
        client: {
          id: client.id,
          clientId: client.clientId,
          disabled: false,
          tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
          redirectUris: client.redirectUris,
          allowedOrigins: client.allowedOrigins,
        },
      });
      expect(record?.user.createdAt).toBeInstanceOf(Date);
    });

    it('answers exactly what users.findById, ledger.getBalance and clients.findById answer', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      // At the cap (SEC-32), with a used quota: a rounded number or a string would not compare equal.
      const huge = 2n ** 53n - 1n;
      const change = { userId: user.id, kind: 'credit' as const, actor: 'admin' };
      expectKind(await stores().ledger.apply({ ...change, amount: huge }), 'applied');
      expectKind(await stores().ledger.apply({ ...change, amount: -5n, kind: 'debit' }), 'applied');
      await stores().users.setStatus(user.id, 'disabled');

      const record = await stores().userinfo.read(user.id, client.id);
      expect(record).toEqual(await readSeparately(stores(), user.id, client.id));
      expect(record?.balance).toEqual({ quota: huge - 5n, usedQuota: 5n, held: 0n });
      expect(typeof record?.balance?.quota).toBe('bigint');
      expect(typeof record?.balance?.usedQuota).toBe('bigint');
      expect(record?.user.status).toBe('disabled');
    });

    it('reads the balance fresh after every change', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      expect((await stores().userinfo.read(user.id, client.id))?.balance?.quota).toBe(0n);
      expectKind(
        await stores().ledger.apply({ userId: user.id, amount: 42n, kind: 'topup', actor: 'admin' }),
        'applied',
      );
      expect((await stores().userinfo.read(user.id, client.id))?.balance?.quota).toBe(42n);
    });

    it('answers a disabled client with disabled true', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      await stores().clients.update(client.id, { disabled: true });
      const record = await stores().userinfo.read(user.id, client.id);
      expect(record?.client).toMatchObject({ id: client.id, clientId: client.clientId, disabled: true });
      expect(record).toEqual(await readSeparately(stores(), user.id, client.id));
    });

    it('answers a null client, but still the user and balance, once the client is deleted', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      expect(await stores().clients.delete(client.id)).toBe(true);
      const record = await stores().userinfo.read(user.id, client.id);
      expect(record).toMatchObject({ user: { id: user.id }, balance: { quota: 0n }, client: null });
      expect(record).toEqual(await readSeparately(stores(), user.id, client.id));
    });

    it('answers a null client for an id that never existed', async () => {
      const user = await createUser(stores());
      expect(await stores().userinfo.read(user.id, 2_000_000_000)).toMatchObject({
        user: { id: user.id },
        client: null,
      });
    });

    it('reads another user’s client as it is: the client is not joined on the user', async () => {
      const owner = await createUser(stores());
      const user = await createUser(stores());
      const client = await createClient(stores(), { ownerUserId: owner.id });
      expect((await stores().userinfo.read(user.id, client.id))?.client).toEqual({
        id: client.id,
        clientId: client.clientId,
        disabled: false,
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: client.redirectUris,
        allowedOrigins: [],
      });
    });

    it('answers null for an unknown user, whether or not the client exists', async () => {
      const client = await createClient(stores());
      expect(await stores().userinfo.read(2_000_000_000, client.id)).toBeNull();
      expect(await stores().userinfo.read(2_000_000_000, 2_000_000_000)).toBeNull();
    });

    it('keeps users apart: each read answers its own user and balance', async () => {
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      const client = await createClient(stores());
      expectKind(
        await stores().ledger.apply({ userId: b.id, amount: 9n, kind: 'credit', actor: 'admin' }),
        'applied',
      );
      const [readA, readB] = await Promise.all([
        stores().userinfo.read(a.id, client.id),
        stores().userinfo.read(b.id, client.id),
      ]);
      expect(readA).toMatchObject({ user: { id: a.id, username: a.username }, balance: { quota: 0n } });
      expect(readB).toMatchObject({ user: { id: b.id, username: b.username }, balance: { quota: 9n } });
    });
  });
}
