import type { NewAuditEvent, Stores } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';

/**
 * Records what a signed-in person did (never secrets). The change has already happened,
 * so a failed audit write is logged loudly instead of turning a done change into an error
 * page that invites a retry (and, for creations, a duplicate).
 */
export async function auditUserAction(
  stores: Stores,
  request: FastifyRequest,
  userId: number,
  event: Pick<NewAuditEvent, 'type'> & Partial<Pick<NewAuditEvent, 'clientId' | 'data'>>,
): Promise<void> {
  try {
    await stores.db.audit.append({ actor: `user:${userId}`, userId, ip: request.ip, ...event });
  } catch (error) {
    request.log.error({ err: error, auditType: event.type }, 'audit event could not be written');
  }
}
