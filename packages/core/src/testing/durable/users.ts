import { describe, expect, it } from 'vitest';
import { createUser, type OpenDurableStores, unique, useStores } from './fixtures.js';

export function describeUserStoreContract(open: OpenDurableStores): void {
  describe('UserStore', () => {
    const stores = useStores(open);

    // First, while the database is still empty.
    it('isEmpty is true until the first user exists', async () => {
      expect(await stores().users.isEmpty()).toBe(true);
      await createUser(stores());
      expect(await stores().users.isEmpty()).toBe(false);
    });

    it('creates an active user and returns it as stored', async () => {
      const name = unique('Alice');
      const user = await stores().users.create({
        username: name,
        email: `${name}@Example.test`,
        passwordHash: '$argon2id$hash',
      });
      expect(user).toMatchObject({
        username: name,
        email: `${name}@Example.test`,
        passwordHash: '$argon2id$hash',
        status: 'active',
      });
      expect(user.id).toBeGreaterThan(0);
      expect(user.createdAt).toBeInstanceOf(Date);
      expect(await stores().users.findById(user.id)).toEqual(user);
    });

    it('creates a zero balance together with the user', async () => {
      const user = await createUser(stores());
      expect(await stores().ledger.getBalance(user.id)).toMatchObject({
        userId: user.id,
        quota: 0n,
        usedQuota: 0n,
      });
    });

    it('refuses a username taken in any letter case', async () => {
      const user = await createUser(stores());
      await expect(
        createUser(stores(), { username: user.username.toUpperCase(), email: `${unique()}@example.test` }),
      ).rejects.toMatchObject({ name: 'DuplicateError', field: 'username' });
    });

    it('refuses an email taken in any letter case', async () => {
      const user = await createUser(stores());
      await expect(
        createUser(stores(), { username: unique('other'), email: user.email.toUpperCase() }),
      ).rejects.toMatchObject({ name: 'DuplicateError', field: 'email' });
    });

    it('leaves nothing behind when a create is refused', async () => {
      const user = await createUser(stores());
      const stranger = unique('stranger');
      await expect(createUser(stores(), { username: stranger, email: user.email })).rejects.toThrow();
      expect(await stores().users.findByLogin(stranger)).toBeNull();
    });

    it('lets exactly one of concurrent sign-ups with one name through', async () => {
      const name = unique('race');
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          createUser(stores(), {
            username: i % 2 ? name : name.toUpperCase(),
            email: `${unique()}@example.test`,
          }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') expect(attempt.reason).toMatchObject({ name: 'DuplicateError' });
      }
    });

    it('finds a user by username or email, ignoring case', async () => {
      const user = await createUser(stores());
      expect(await stores().users.findByLogin(user.username.toUpperCase())).toEqual(user);
      expect(await stores().users.findByLogin(user.email.toUpperCase())).toEqual(user);
      expect(await stores().users.findByLogin(unique('nobody'))).toBeNull();
    });

    it('answers null for an unknown id', async () => {
      expect(await stores().users.findById(2_000_000_000)).toBeNull();
    });

    it('lists users matching a case-insensitive substring of username or email', async () => {
      const tag = unique('tag');
      const byName = await createUser(stores(), { username: `x${tag}y` });
      const byEmail = await createUser(stores(), { email: `${unique()}@${tag}.test` });
      await createUser(stores());
      const found = await stores().users.list({ q: tag.toUpperCase(), limit: 10, offset: 0 });
      expect(found.map((u) => u.id).sort()).toEqual([byName.id, byEmail.id].sort());
    });

    it('treats LIKE wildcards in the search text literally', async () => {
      await createUser(stores());
      expect(await stores().users.list({ q: '%', limit: 10, offset: 0 })).toEqual([]);
      expect(await stores().users.list({ q: '_', limit: 10, offset: 0 })).toEqual([]);
    });

    it('pages with limit and offset without overlap', async () => {
      const all = await stores().users.list({ limit: 1000, offset: 0 });
      expect(all.length).toBeGreaterThan(3);
      const first = await stores().users.list({ limit: 2, offset: 0 });
      const second = await stores().users.list({ limit: 2, offset: 2 });
      expect(first).toHaveLength(2);
      expect([...first, ...second].map((u) => u.id)).toEqual(all.slice(0, 4).map((u) => u.id));
    });

    it('changes the status and answers null for an unknown user', async () => {
      const user = await createUser(stores());
      expect(await stores().users.setStatus(user.id, 'disabled')).toMatchObject({
        id: user.id,
        status: 'disabled',
      });
      expect((await stores().users.findById(user.id))?.status).toBe('disabled');
      expect((await stores().users.setStatus(user.id, 'active'))?.status).toBe('active');
      expect(await stores().users.setStatus(2_000_000_000, 'disabled')).toBeNull();
    });
  });
}
