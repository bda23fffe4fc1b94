import { sql, isNull as sqlIsNull } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.js';

/**
 * Where and how an app receives webhooks. The signing secret is kept encrypted under the
 * key-encryption key (SEC-95): it must be readable to sign, so it cannot be a hash.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  clientId: integer('client_id')
    .primaryKey()
    .references(() => clients.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  encryptedSecret: text('encrypted_secret').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The outbox: an event is written in the transaction of the change it reports, so it exists
 * exactly when the change does; `dispatched_at` is set once a delivery job holds it. Its
 * delivery state (attempts, last response) is kept on the row for the console.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastResponseCode: integer('last_response_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_events_undispatched_idx').on(t.createdAt).where(sqlIsNull(t.dispatchedAt)),
    index('webhook_events_client_idx').on(t.clientId, t.createdAt),
    // The backlog metric reads the oldest pending event and counts pending ones at each scrape.
    index('webhook_events_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
  ],
);
