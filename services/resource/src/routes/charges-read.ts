import { chargeVisibleTo } from '@gatehouse/core/charges';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import type { MoneyFormat } from '../presenters.js';
import { chargeJson, refundJson } from './charges-json.js';
import { chargeCaller, oauthError } from './charges-request.js';

/** `GET /api/oauth2/charges` (the caller's own, newest first) and `GET /api/oauth2/charges/:id`. */
export const chargeReadRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const format: MoneyFormat = config;

  app.get('/api/oauth2/charges', async (request, reply) => {
    const who = await chargeCaller(request, stores);
    const query = request.query as Record<string, unknown>;
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return oauthError(reply, 400, 'invalid_request', 'limit must be an integer from 1 to 100');
    }
    const startingAfter = typeof query.starting_after === 'string' ? query.starting_after : undefined;
    const list = await stores.db.charges.list({
      userId: who.userId,
      clientId: who.clientId,
      limit,
      startingAfter,
    });
    return { data: list.map((c) => chargeJson(c, format)), has_more: list.length === limit };
  });

  app.get('/api/oauth2/charges/:id', async (request, reply) => {
    const who = await chargeCaller(request, stores);
    const charge = await stores.db.charges.get((request.params as { id: string }).id);
    if (!chargeVisibleTo(charge, who)) {
      return oauthError(reply, 404, 'not_found', 'no such charge for this app');
    }
    const refunds = await stores.db.charges.listRefunds([charge.id]);
    return { ...chargeJson(charge, format), refunds: refunds.map((r) => refundJson(r, format)) };
  });
};
