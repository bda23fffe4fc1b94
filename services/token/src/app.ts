import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';

/** The token service as an encapsulated Fastify plugin. Never listens: see server.ts. */
export const tokenService: FastifyPluginAsync<ServiceOptions> = async (_app, _options) => {};
