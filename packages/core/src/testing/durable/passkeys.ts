import { describe, expect, it } from 'vitest';
import type { NewPasskey } from '../../ports/index.js';
import { createUser, type OpenDurableStores, unique, useStores } from './fixtures.js';

export function describePasskeyStoreContract(open: OpenDurableStores): void {
  describe('PasskeyStore', () => {
    const stores = useStores(open);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const passkey = (userId: number, overrides: Partial<NewPasskey> = {}): NewPasskey => ({
      userId,
      credentialId: unique('cred-'),
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: ['internal', 'hybrid'],
      name: 'Laptop',
      ...overrides,
    });

    it('adds, finds by credential id, lists per user in order, and refuses a duplicate credential', async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const first = await stores().passkeys.add(passkey(user.id), now);
      const second = await stores().passkeys.add(passkey(user.id, { name: 'Phone', transports: [] }), now);
      await stores().passkeys.add(passkey(other.id), now);
      expect(first).toMatchObject({
        userId: user.id,
        counter: 0,
        name: 'Laptop',
        createdAt: now,
        lastUsedAt: null,
      });
      expect(first.transports).toEqual(['internal', 'hybrid']);
      expect(await stores().passkeys.findByCredentialId(second.credentialId)).toEqual(second);
      expect(await stores().passkeys.findByCredentialId('nope')).toBeNull();
      expect((await stores().passkeys.listByUser(user.id)).map((p) => p.name)).toEqual(['Laptop', 'Phone']);
      await expect(
        stores().passkeys.add(passkey(other.id, { credentialId: first.credentialId }), now),
      ).rejects.toMatchObject({ name: 'DuplicateError', field: 'credentialId' });
    });

    it('a use must raise the counter, unless the authenticator keeps none (0 stays 0)', async () => {
      const user = await createUser(stores());
      const counting = await stores().passkeys.add(passkey(user.id, { counter: 5 }), now);
      expect(await stores().passkeys.recordUse(counting.credentialId, 5, now)).toBe(false);
      expect(await stores().passkeys.recordUse(counting.credentialId, 4, now)).toBe(false);
      expect(await stores().passkeys.recordUse(counting.credentialId, 0, now)).toBe(false);
      expect(await stores().passkeys.recordUse(counting.credentialId, 6, now)).toBe(true);
      expect(await stores().passkeys.findByCredentialId(counting.credentialId)).toMatchObject({
        counter: 6,
        lastUsedAt: now,
      });
      const racing = await Promise.all(
        [7, 7, 7].map((c) => stores().passkeys.recordUse(counting.credentialId, c, now)),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);

      const flat = await stores().passkeys.add(passkey(user.id), now);
      expect(await stores().passkeys.recordUse(flat.credentialId, 0, now)).toBe(true);
      expect(await stores().passkeys.recordUse(flat.credentialId, 0, now)).toBe(true);
      expect(await stores().passkeys.recordUse('unknown', 9, now)).toBe(false);
    });

    it('removes one passkey of its own user only, or all of them', async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const mine = await stores().passkeys.add(passkey(user.id), now);
      await stores().passkeys.add(passkey(user.id), now);
      expect(await stores().passkeys.remove(other.id, mine.id)).toBe(false);
      expect(await stores().passkeys.remove(user.id, mine.id)).toBe(true);
      expect(await stores().passkeys.remove(user.id, mine.id)).toBe(false);
      expect(await stores().passkeys.removeAll(user.id)).toBe(1);
      expect(await stores().passkeys.listByUser(user.id)).toEqual([]);
    });
  });
}
