import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Append-only. No foreign keys: the trail must outlive what it talks about. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    type: text('type').notNull(),
    userId: integer('user_id'),
    clientId: text('client_id'),
    actor: text('actor').notNull(),
    ip: text('ip'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // One per filter of the admin audit query, each ordered newest first by id.
  (t) => [
    index('audit_events_user_id_id_idx').on(t.userId, t.id),
    index('audit_events_client_id_id_idx').on(t.clientId, t.id),
    index('audit_events_type_id_idx').on(t.type, t.id),
    // The retention job's AUDIT_RETENTION_DAYS cut-off (SEC-96).
    index('audit_events_created_at_idx').on(t.createdAt),
  ],
);
