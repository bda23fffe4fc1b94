import type { Stores } from '@gatehouse/core';
import { WEBHOOK_DISPATCH } from '@gatehouse/jobs';

/**
 * Hands new (or resent) outbox events to the queue now instead of at the next minute's tick.
 * A failure to queue loses nothing: the events stay undispatched and the tick sends them.
 */
export async function kickWebhookDispatch(
  stores: Pick<Stores, 'jobs'>,
  log: { warn(object: object, message: string): void },
): Promise<void> {
  await stores.jobs?.enqueue(WEBHOOK_DISPATCH, {}).catch((error: unknown) => {
    log.warn({ err: error }, 'webhook dispatch not queued; the next tick sends it');
  });
}
