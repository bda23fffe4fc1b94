import { allowOrigin, PREFLIGHT_MAX_AGE } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const WELL_KNOWN = '/.well-known/';

/**
 * `/.well-known/*` (metadata, and keys once published) is public, read-only and the same
 * for everyone: any origin may read it, without credentials (API.md §11, SEC-55). Added at
 * the service level so every document under the prefix gets it, whichever plugin serves it;
 * nothing else of this service answers CORS (SEC-08).
 */
export const wellKnownCors = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith(WELL_KNOWN)) allowOrigin(reply, '*');
    });
    app.options(`${WELL_KNOWN}*`, async (_request, reply) => {
      reply.header('access-control-allow-methods', 'GET');
      reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE));
      return reply.code(204).send();
    });
  },
  { name: 'gatehouse-well-known-cors' },
);
