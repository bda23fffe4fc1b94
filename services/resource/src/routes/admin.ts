import { constantTimeEqual } from '@gatehouse/core';
import { bearerTokenOf } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../envelope.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminChargeRoutes } from './admin-charges.js';
import { adminClientRoutes } from './admin-clients.js';
import { adminKeyRoutes } from './admin-keys.js';
import { adminMoneyRoutes } from './admin-money.js';
import { adminTopupCodeRoutes } from './admin-topup-codes.js';
import { adminUserRoutes } from './admin-users.js';

/** Step 1 of every admin request: `Authorization: Bearer <GATEHOUSE_ADMIN_TOKEN>`, compared in constant time. */
function checkAdminToken(request: FastifyRequest, adminToken: string): void {
  let token: string | null = null;
  try {
    token = bearerTokenOf({ authorization: request.headers.authorization, query: undefined });
  } catch {
    token = null;
  }
  if (token === null || !constantTimeEqual(token, adminToken)) {
    throw new ApiError(
      401,
      'the admin token is missing or wrong: send "Authorization: Bearer <admin token>"',
    );
  }
}

/** What every admin path answers when no admin token is configured: 404, saying why. */
export const ADMIN_API_DISABLED =
  'the admin API is disabled on this server: start it with GATEHOUSE_ADMIN_TOKEN set (at least 32 characters) to enable it';

/**
 * `/api/admin/*` (API.md §7). Without an admin token no admin route exists: every
 * admin path answers 404 with a message that says how to turn the API on.
 */
export const adminRoutes: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const adminToken = options.config.adminToken;
  if (adminToken === null) {
    app.all('/api/admin/*', async () => {
      throw new ApiError(404, ADMIN_API_DISABLED);
    });
    return;
  }
  app.addHook('onRequest', async (request) => checkAdminToken(request, adminToken));
  await app.register(adminUserRoutes, options);
  await app.register(adminMoneyRoutes, options);
  await app.register(adminTopupCodeRoutes, options);
  await app.register(adminClientRoutes, options);
  await app.register(adminAuditRoutes, options);
  await app.register(adminChargeRoutes, options);
  await app.register(adminKeyRoutes, options);
};
