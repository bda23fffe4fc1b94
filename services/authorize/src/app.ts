import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';

/** The authorize service as an encapsulated Fastify plugin. Never listens: see server.ts. */
export const authorizeService: FastifyPluginAsync<ServiceOptions> = async (_app, _options) => {};
