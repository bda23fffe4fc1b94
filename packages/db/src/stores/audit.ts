import type { AuditEvent, AuditQuery, AuditStore, NewAuditEvent } from '@gatehouse/core';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { auditEvents } from '../schema/audit-events.js';

type AuditRow = typeof auditEvents.$inferSelect;

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    type: row.type,
    userId: row.userId,
    clientId: row.clientId,
    actor: row.actor,
    ip: row.ip,
    data: row.data,
    createdAt: row.createdAt,
  };
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The audit row insert, on its own or inside the transaction of the change it records. */
export async function insertAuditEvent(db: Db | Tx, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values({
    type: event.type,
    userId: event.userId ?? null,
    clientId: event.clientId ?? null,
    actor: event.actor,
    ip: event.ip ?? null,
    data: event.data ?? {},
  });
}

export function createAuditStore(db: Db): AuditStore {
  return translateErrors({
    async append(event: NewAuditEvent): Promise<void> {
      await insertAuditEvent(db, event);
    },

    async list(query: AuditQuery): Promise<AuditEvent[]> {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(
          and(
            query.userId === undefined ? undefined : eq(auditEvents.userId, query.userId),
            query.clientId === undefined ? undefined : eq(auditEvents.clientId, query.clientId),
            query.type === undefined ? undefined : eq(auditEvents.type, query.type),
          ),
        )
        // Ids grow with time and never tie, unlike timestamps.
        .orderBy(desc(auditEvents.id))
        .limit(query.limit);
      return rows.map(toEvent);
    },
  });
}
