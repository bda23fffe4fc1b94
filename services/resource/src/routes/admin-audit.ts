import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { ok } from '../envelope.js';
import { auditJson } from '../presenters.js';

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      user_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      client_id: { type: 'string', minLength: 1, maxLength: 200 },
      type: { type: 'string', minLength: 1, maxLength: 200 },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    },
  },
} as const;

/** `GET /api/admin/audit`: events, newest first, filtered by user, client and type. */
export const adminAuditRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores }) => {
  app.get('/api/admin/audit', { schema: listSchema }, async (request) => {
    const query = request.query as { user_id?: number; client_id?: string; type?: string; limit: number };
    const events = await stores.db.audit.list({
      userId: query.user_id,
      clientId: query.client_id,
      type: query.type,
      limit: query.limit,
    });
    return ok(`${events.length} event(s)`, events.map(auditJson));
  });
};
