import { type AuditEventInput, actor, type Stores } from '@gatehouse/core';
import { recordAudit } from '@gatehouse/service-kit';
import type { FastifyRequest } from 'fastify';

/** A signed-in person's event, without what the request supplies (actor, user, address). */
export type UserAuditEvent = AuditEventInput extends infer E
  ? E extends AuditEventInput
    ? Omit<E, 'actor' | 'userId' | 'ip'>
    : never
  : never;

/**
 * Records what a signed-in person did (never secrets), after the change: core's audit policy
 * (a failed write is logged and counted, never an error page inviting a retry).
 */
export async function auditUserAction(
  stores: Stores,
  request: FastifyRequest,
  userId: number,
  event: UserAuditEvent,
): Promise<void> {
  await recordAudit(stores, request, { ...event, actor: actor.user(userId), userId } as AuditEventInput);
}
