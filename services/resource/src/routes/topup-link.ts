import { topupLink } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { checkTokenCaller } from '../access-token.js';
import { bearerCors } from '../cors.js';

/**
 * `GET /api/oauth2/topup` (API.md §5): the top-up page link for the token's app,
 * with an optional `return_uri` on the origin of one of the app's redirect URIs.
 */
export const topupLinkRoute: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  bearerCors(app, stores, ['/api/oauth2/topup']);
  app.get('/api/oauth2/topup', async (request) => {
    const { client } = await checkTokenCaller(request, stores, ['balance']);
    const { clientId, redirectUris } = client;
    const query = request.query as Record<string, unknown>;
    return {
      topup_url: topupLink({ issuer: config.issuer, clientId, redirectUris, returnUri: query.return_uri }),
    };
  });
};
