import { constantTimeEqual } from '@gatehouse/core';
import { bearerTokenOf } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../envelope.js';
import { adminAuditRoutes } from './admin-audit.js';
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

/**
 * `/api/admin/*` (API.md §7). Registered only when an admin token is configured, so
 * without one the whole API answers 404 like any unknown path.
 */
export const adminRoutes: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const adminToken = options.config.adminToken;
  if (adminToken === null) return;
  app.addHook('onRequest', async (request) => checkAdminToken(request, adminToken));
  await app.register(adminUserRoutes, options);
  await app.register(adminMoneyRoutes, options);
  await app.register(adminTopupCodeRoutes, options);
  await app.register(adminClientRoutes, options);
  await app.register(adminAuditRoutes, options);
  await app.register(adminKeyRoutes, options);
};
