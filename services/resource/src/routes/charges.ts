import { kickWebhookDispatch, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { bearerCors } from '../cors.js';
import { chargeActionRoutes } from './charges-actions.js';
import { chargeCreateRoute } from './charges-create.js';
import { chargeReadRoutes } from './charges-read.js';

/**
 * The charges API for apps (`/api/oauth2/charges…`, bearer token with `charge`): the CORS and
 * webhook hooks of all its routes here, the routes themselves one file per kind.
 */
export const chargesRoutes: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const { stores } = options;
  bearerCors(app, stores, ['/api/oauth2/charges']);
  // A movement wrote its webhook event in its transaction; hand it to the queue now rather
  // than at the dispatcher's next minute tick (which sends it anyway if this is lost).
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST' || reply.statusCode >= 300) return;
    if (reply.getHeader('idempotent-replayed') === 'true') return;
    void kickWebhookDispatch(stores, request.log);
  });
  await app.register(chargeCreateRoute, options);
  await app.register(chargeActionRoutes, options);
  await app.register(chargeReadRoutes, options);
};
