import { describe, expect, it } from 'vitest';
import type { EmailTokenPurpose } from '../../ports/index.js';
import { createUser, type OpenDurableStores, randomHash, useStores } from './fixtures.js';

const HOUR = 3_600_000;

export function describeEmailTokenStoreContract(open: OpenDurableStores): void {
  describe('EmailTokenStore', () => {
    const stores = useStores(open);
    const issue = async (
      userId: number,
      purpose: EmailTokenPurpose,
      now: Date,
      options: { ttlMs?: number; email?: string } = {},
    ) => {
      const tokenHash = randomHash();
      const record = {
        userId,
        purpose,
        email: options.email ?? 'kim@example.test',
        expiresAt: new Date(now.getTime() + (options.ttlMs ?? HOUR)),
      };
      await stores().emailTokens.issue({ ...record, tokenHash }, now);
      return { tokenHash, record };
    };

    it('a token is consumed once, for its purpose only, and peeking does not spend it', async () => {
      const user = await createUser(stores());
      const now = new Date();
      const { tokenHash, record } = await issue(user.id, 'verify_email', now);
      expect(await stores().emailTokens.peek(tokenHash, 'reset_password', now)).toBeNull();
      expect(await stores().emailTokens.consume(tokenHash, 'reset_password', now)).toBeNull();
      expect(await stores().emailTokens.peek(tokenHash, 'verify_email', now)).toEqual(record);
      expect(await stores().emailTokens.consume(tokenHash, 'verify_email', now)).toEqual(record);
      expect(await stores().emailTokens.consume(tokenHash, 'verify_email', now)).toBeNull();
      expect(await stores().emailTokens.peek(tokenHash, 'verify_email', now)).toBeNull();
      expect(await stores().emailTokens.consume(randomHash(), 'verify_email', now)).toBeNull();
    });

    it('an expired token is neither peeked nor consumed', async () => {
      const user = await createUser(stores());
      const now = new Date();
      const { tokenHash } = await issue(user.id, 'reset_password', now, { ttlMs: 1000 });
      const later = new Date(now.getTime() + 1000);
      expect(await stores().emailTokens.peek(tokenHash, 'reset_password', later)).toBeNull();
      expect(await stores().emailTokens.consume(tokenHash, 'reset_password', later)).toBeNull();
    });

    it('a new token of the same user and purpose spends the earlier ones; others stay', async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const now = new Date();
      const first = await issue(user.id, 'reset_password', now);
      const verify = await issue(user.id, 'verify_email', now);
      const others = await issue(other.id, 'reset_password', now);
      const second = await issue(user.id, 'reset_password', now);
      expect(await stores().emailTokens.consume(first.tokenHash, 'reset_password', now)).toBeNull();
      expect(await stores().emailTokens.consume(second.tokenHash, 'reset_password', now)).not.toBeNull();
      expect(await stores().emailTokens.consume(verify.tokenHash, 'verify_email', now)).not.toBeNull();
      expect(await stores().emailTokens.consume(others.tokenHash, 'reset_password', now)).not.toBeNull();
    });

    it('of 10 concurrent consumers exactly one gets the token', async () => {
      const user = await createUser(stores());
      const now = new Date();
      const { tokenHash } = await issue(user.id, 'reset_password', now);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => stores().emailTokens.consume(tokenHash, 'reset_password', now)),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });

  describe('UserStore e-mail and password changes', () => {
    const stores = useStores(open);

    it('a new user is unverified at epoch 0; markEmailVerified verifies only the current address', async () => {
      const user = await createUser(stores());
      expect(user).toMatchObject({ emailVerified: false, sessionEpoch: 0 });
      expect(await stores().users.markEmailVerified(user.id, 'old@example.test')).toBe(false);
      expect(await stores().users.markEmailVerified(user.id, user.email.toUpperCase())).toBe(true);
      expect((await stores().users.findById(user.id))?.emailVerified).toBe(true);
    });

    it('changeEmail replaces the address unverified, and refuses one another account holds', async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      await stores().users.markEmailVerified(user.id, user.email);
      const changed = await stores().users.changeEmail(user.id, `${user.username}-new@example.test`);
      expect(changed).toMatchObject({ email: `${user.username}-new@example.test`, emailVerified: false });
      await expect(stores().users.changeEmail(user.id, other.email)).rejects.toMatchObject({
        name: 'DuplicateError',
        field: 'email',
      });
      expect(await stores().users.changeEmail(2_000_000_000, 'nobody@example.test')).toBeNull();
    });

    it('setPassword replaces the hash and raises the session epoch each time', async () => {
      const user = await createUser(stores());
      const once = await stores().users.setPassword(user.id, '$argon2id$new-1');
      const twice = await stores().users.setPassword(user.id, '$argon2id$new-2');
      expect(once).toMatchObject({ passwordHash: '$argon2id$new-1', sessionEpoch: 1 });
      expect(twice).toMatchObject({ passwordHash: '$argon2id$new-2', sessionEpoch: 2 });
      expect(await stores().users.setPassword(2_000_000_000, 'x')).toBeNull();
    });
  });
}
