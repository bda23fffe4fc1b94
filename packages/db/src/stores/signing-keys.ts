import type { SigningAlg, SigningKeyRecord, SigningKeyStore } from '@gatehouse/core';
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { signingKeys } from '../schema/signing-keys.js';

type SigningKeyRow = typeof signingKeys.$inferSelect;

function toRecord(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg as SigningAlg,
    publicJwk: row.publicJwk,
    encryptedPrivateJwk: row.encryptedPrivateJwk,
    createdAt: row.createdAt,
    activatesAt: row.activatesAt,
  };
}

export function createSigningKeyStore(db: Db): SigningKeyStore {
  return translateErrors({
    async list(): Promise<SigningKeyRecord[]> {
      const rows = await db
        .select()
        .from(signingKeys)
        .orderBy(asc(signingKeys.activatesAt), asc(signingKeys.kid));
      return rows.map(toRecord);
    },

    async insert(key: SigningKeyRecord): Promise<void> {
      await db.insert(signingKeys).values({ ...key });
    },

    async delete(kids: readonly string[]): Promise<number> {
      if (kids.length === 0) return 0;
      const rows = await db
        .delete(signingKeys)
        .where(inArray(signingKeys.kid, [...kids]))
        .returning({ kid: signingKeys.kid });
      return rows.length;
    },
  });
}
