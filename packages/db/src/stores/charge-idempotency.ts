import type { IdempotentRequest, Replay, StoredResponse } from '@gatehouse/core';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { idempotencyKeys } from '../schema/charges.js';
import type { Tx } from './charge-rows.js';

/** Thrown inside a transaction to roll it back with the reason nothing may be written. */
export class Refused<T> extends Error {
  constructor(readonly result: T) {
    super('refused');
  }
}

/** The key was taken by an earlier (committed) request: leave the transaction, then look. */
class KeyTaken extends Error {}

/** SEC-92: claims the key first; a concurrent twin waits here on the primary key until we commit. */
async function claimKey(tx: Tx, idempotency: IdempotentRequest | null) {
  if (!idempotency) return;
  const [claimed] = await tx
    .insert(idempotencyKeys)
    .values({ scope: idempotency.scope, key: idempotency.key, fingerprint: idempotency.fingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (!claimed) throw new KeyTaken();
}

export async function storeResponse(tx: Tx, idempotency: IdempotentRequest | null, response: StoredResponse) {
  if (!idempotency) return;
  await tx
    .update(idempotencyKeys)
    .set({ status: response.status, response: response.body as never })
    .where(and(eq(idempotencyKeys.scope, idempotency.scope), eq(idempotencyKeys.key, idempotency.key)));
}

async function replayOf(db: Db, idempotency: IdempotentRequest): Promise<Replay> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, idempotency.scope), eq(idempotencyKeys.key, idempotency.key)));
  if (!row || row.fingerprint !== idempotency.fingerprint || row.status === null) {
    return { kind: 'idempotency_conflict' };
  }
  return { kind: 'replayed', response: { status: row.status, body: row.response } };
}

/**
 * Runs one movement transaction. A refusal rolls back everything (the key included, so a
 * refused request may be retried with its key); a taken key answers with the first response.
 */
export async function runMovement<T>(
  db: Db,
  idempotency: IdempotentRequest | null,
  body: (tx: Tx) => Promise<T>,
): Promise<T | Replay> {
  try {
    return await db.transaction(async (tx) => {
      await claimKey(tx, idempotency);
      return body(tx);
    });
  } catch (error) {
    if (error instanceof Refused) return error.result as T;
    if (error instanceof KeyTaken && idempotency) return replayOf(db, idempotency);
    throw error;
  }
}
