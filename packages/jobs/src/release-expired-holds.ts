import type { ChargeStore } from '@gatehouse/core';

/** The queue of the recurring job that gives lapsed holds back (HOLD_TTL). */
export const RELEASE_EXPIRED_HOLDS = 'charges.release-expired-holds';

/** Every minute: a hold is back in the available balance at most a minute after it lapsed. */
export const RELEASE_EXPIRED_HOLDS_CRON = '* * * * *';

/**
 * Releases every hold whose expiry passed, batch after batch. The store releases each hold
 * in its own transaction, with a `release` ledger entry, exactly as a cancel does (SEC-90),
 * so no lock is held for longer than one charge; a hold the app captured a moment before is
 * simply no longer held and is left alone.
 */
export async function releaseExpiredHolds(charges: ChargeStore, now: Date, batchSize = 100): Promise<number> {
  let released = 0;
  for (;;) {
    const batch = await charges.releaseExpired(now, batchSize);
    released += batch.length;
    // A short batch is the last one (or a hold was captured meanwhile: the next tick sees).
    if (batch.length < batchSize) return released;
  }
}
