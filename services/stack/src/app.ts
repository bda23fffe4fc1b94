import { authorizeService } from '@gatehouse/authorize';
import { resourceService } from '@gatehouse/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import { tokenService } from '@gatehouse/token';
import type { FastifyPluginAsync } from 'fastify';

/**
 * All three services in one process: the same plugins the gateway topology runs
 * separately, so both shapes run the same code.
 */
export const stackApp: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  await app.register(authorizeService, options);
  await app.register(tokenService, options);
  await app.register(resourceService, options);
};
