import { requireScopes, topupLink } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { checkAccessToken, checkClientEnabled, checkUserActive } from '../access-token.js';
import { bearerCors, tokenOwner } from '../cors.js';

/**
 * `GET /api/oauth2/topup` (API.md §5): the top-up page link for the token's app,
 * with an optional `return_uri` on the origin of one of the app's redirect URIs.
 */
export const topupLinkRoute: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  bearerCors(app, stores, ['/api/oauth2/topup']);
  app.get('/api/oauth2/topup', async (request) => {
    const token = await checkAccessToken(request, stores);
    requireScopes(token.scopes, ['balance']);
    const [user, client] = await Promise.all([
      stores.db.users.findById(token.userId),
      stores.db.clients.findById(token.clientId),
    ]);
    checkUserActive(user);
    const enabled = checkClientEnabled(client, token);
    tokenOwner(request, enabled);
    const { clientId, redirectUris } = enabled;
    const query = request.query as Record<string, unknown>;
    return {
      topup_url: topupLink({ issuer: config.issuer, clientId, redirectUris, returnUri: query.return_uri }),
    };
  });
};
