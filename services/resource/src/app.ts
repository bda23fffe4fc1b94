import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';

/** The resource service as an encapsulated Fastify plugin. Never listens: see server.ts. */
export const resourceService: FastifyPluginAsync<ServiceOptions> = async (_app, _options) => {};
