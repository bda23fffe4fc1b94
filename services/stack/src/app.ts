import { authorizeService } from '@gatehouse/authorize';
import { resourceService } from '@gatehouse/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import { tokenService } from '@gatehouse/token';
import type { FastifyPluginAsync } from 'fastify';

/**
 * All three services in one process: the same plugins the gateway topology runs
 * separately, so both shapes run the same code. Unknown paths go to the authorize
 * service, as the gateway sends them (API.md §10): Fastify keeps one not-found handler.
 */
export const stackApp: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const apiOnly = { ...options, answersUnknownPaths: false };
  await app.register(authorizeService, options);
  await app.register(tokenService, apiOnly);
  await app.register(resourceService, apiOnly);
};
