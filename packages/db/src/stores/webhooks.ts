import { randomBytes } from 'node:crypto';
import type { WebhookEndpoint, WebhookEvent, WebhookStore } from '@gatehouse/core';
import { BACKLOG_COUNT_CAP, newEventId } from '@gatehouse/core/webhooks';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { grants } from '../schema/grants.js';
import { webhookEndpoints, webhookEvents } from '../schema/webhooks.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type EventRow = typeof webhookEvents.$inferSelect;

function toEvent(row: EventRow): WebhookEvent {
  return {
    id: row.id,
    clientId: row.clientId,
    type: row.type,
    data: row.data as Record<string, unknown>,
    createdAt: row.createdAt,
    status: row.status,
    attempts: row.attempts,
    lastResponseCode: row.lastResponseCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
  };
}

/**
 * The outbox write, inside the caller's transaction: an event for the app only when it has
 * an endpoint (one statement, no row otherwise). Returns whether one was written.
 */
export async function recordEventInTransaction(
  tx: Tx,
  event: {
    clientId: number;
    type: string;
    data: Record<string, unknown>;
    createdAt: Date;
    /**
     * SEC-98: only when this user has a grant with the app — for events the app did not
     * cause itself (a top-up reached through a link anyone could build with its client_id).
     */
    grantOf?: number;
  },
): Promise<void> {
  const granted =
    event.grantOf === undefined
      ? sql``
      : sql` and exists (select 1 from ${grants} where ${grants.userId} = ${event.grantOf}
               and ${grants.clientId} = ${webhookEndpoints.clientId})`;
  await tx.execute(sql`
    insert into ${webhookEvents} (id, client_id, type, data, created_at)
    select ${newEventId(randomBytes)}, ${webhookEndpoints.clientId}, ${event.type},
           ${JSON.stringify(event.data)}::jsonb, ${event.createdAt.toISOString()}::timestamptz
    from ${webhookEndpoints} where ${webhookEndpoints.clientId} = ${event.clientId}${granted}`);
}

export function createWebhookStore(db: Db): WebhookStore {
  return translateErrors({
    async getEndpoint(clientId: number): Promise<WebhookEndpoint | null> {
      const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.clientId, clientId));
      return row ? { clientId: row.clientId, url: row.url, encryptedSecret: row.encryptedSecret } : null;
    },

    async setEndpoint(clientId, endpoint): Promise<void> {
      if (endpoint === null) {
        await db.delete(webhookEndpoints).where(eq(webhookEndpoints.clientId, clientId));
        return;
      }
      await db
        .insert(webhookEndpoints)
        .values({ clientId, ...endpoint, updatedAt: new Date() })
        .onConflictDoUpdate({
          target: webhookEndpoints.clientId,
          set: { ...endpoint, updatedAt: new Date() },
        });
    },

    async record(event): Promise<void> {
      await db.insert(webhookEvents).values(event);
    },

    async undispatched(limit: number): Promise<WebhookEvent[]> {
      const rows = await db
        .select()
        .from(webhookEvents)
        .where(isNull(webhookEvents.dispatchedAt))
        .orderBy(asc(webhookEvents.createdAt))
        .limit(limit);
      return rows.map(toEvent);
    },

    async markDispatched(ids: string[], at: Date): Promise<void> {
      if (ids.length === 0) return;
      await db.update(webhookEvents).set({ dispatchedAt: at }).where(inArray(webhookEvents.id, ids));
    },

    async get(eventId: string): Promise<WebhookEvent | null> {
      const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
      return row ? toEvent(row) : null;
    },

    async recordAttempt(attempt): Promise<void> {
      await db
        .update(webhookEvents)
        .set({
          attempts: sql`${webhookEvents.attempts} + 1`,
          lastResponseCode: attempt.responseCode,
          lastError: attempt.error,
          ...(attempt.succeeded
            ? { status: 'succeeded' as const, deliveredAt: attempt.at }
            : attempt.final
              ? { status: 'failed' as const }
              : {}),
        })
        // A late failure never overwrites a success (at-least-once: two tries may overlap).
        .where(and(eq(webhookEvents.id, attempt.eventId), sql`${webhookEvents.status} <> 'succeeded'`));
    },

    async list(clientId: number, limit: number): Promise<WebhookEvent[]> {
      const rows = await db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.clientId, clientId))
        .orderBy(desc(webhookEvents.createdAt))
        .limit(limit);
      return rows.map(toEvent);
    },

    async backlog() {
      // Both read the partial index on pending events; the count stops at the cap.
      const pending = sql`${webhookEvents.status} = 'pending'`;
      const [oldest] = await db
        .select({ createdAt: webhookEvents.createdAt })
        .from(webhookEvents)
        .where(pending)
        .orderBy(asc(webhookEvents.createdAt))
        .limit(1);
      const capped = db
        .select({ one: sql`1`.as('one') })
        .from(webhookEvents)
        .where(pending)
        .limit(BACKLOG_COUNT_CAP)
        .as('capped');
      const [counted] = await db.select({ count: sql<number>`count(*)::int` }).from(capped);
      return { count: Number(counted?.count ?? 0), oldestCreatedAt: oldest?.createdAt ?? null };
    },

    async requeue(clientId: number, eventId: string): Promise<WebhookEvent | null> {
      const [row] = await db
        .update(webhookEvents)
        .set({ status: 'pending', dispatchedAt: null })
        .where(and(eq(webhookEvents.id, eventId), eq(webhookEvents.clientId, clientId)))
        .returning();
      return row ? toEvent(row) : null;
    },
  });
}
