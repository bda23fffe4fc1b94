import type { Passkey, PasskeyStore } from '@gatehouse/core';
import { and, asc, eq, lt } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { passkeys } from '../schema/passkeys.js';

export function createPasskeyStore(db: Db): PasskeyStore {
  return translateErrors({
    async add(passkey, now): Promise<Passkey> {
      const [row] = await db
        .insert(passkeys)
        .values({ ...passkey, transports: [...passkey.transports], createdAt: now })
        .returning();
      return row!;
    },

    async listByUser(userId): Promise<Passkey[]> {
      return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.id));
    },

    async findByCredentialId(credentialId): Promise<Passkey | null> {
      const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId));
      return row ?? null;
    },

    async recordUse(credentialId, counter, now): Promise<boolean> {
      // One conditional UPDATE: the counter must rise, unless the authenticator keeps none (0 and 0).
      const rows = await db
        .update(passkeys)
        .set({ counter, lastUsedAt: now })
        .where(
          and(
            eq(passkeys.credentialId, credentialId),
            counter === 0 ? eq(passkeys.counter, 0) : lt(passkeys.counter, counter),
          ),
        )
        .returning({ id: passkeys.id });
      return rows.length === 1;
    },

    async remove(userId, id): Promise<boolean> {
      const rows = await db
        .delete(passkeys)
        .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)))
        .returning({ id: passkeys.id });
      return rows.length === 1;
    },

    async removeAll(userId): Promise<number> {
      const rows = await db
        .delete(passkeys)
        .where(eq(passkeys.userId, userId))
        .returning({ id: passkeys.id });
      return rows.length;
    },
  });
}
