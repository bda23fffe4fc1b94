import {
  DEFAULT_PUBLICATION_DELAY_SECONDS,
  type KeyInfo,
  keyRingOf,
  MIN_PUBLICATION_DELAY_SECONDS,
  SIGNING_ALGS,
} from '@gatehouse/core/oidc';
import { unixSeconds } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { ok } from '../envelope.js';
import { audit } from '../request-parts.js';

const rotateSchema = {
  body: {
    type: 'object',
    properties: {
      alg: { type: 'string', enum: [...SIGNING_ALGS] },
      publication_delay_seconds: {
        type: 'integer',
        minimum: MIN_PUBLICATION_DELAY_SECONDS,
        maximum: 30 * 86_400,
      },
      immediate: { type: 'boolean' },
    },
    additionalProperties: false,
  },
} as const;

function present(key: KeyInfo) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    created_at: unixSeconds(key.createdAt),
    activates_at: unixSeconds(key.activatesAt),
    unpublished_at: key.unpublishedAt ? unixSeconds(key.unpublishedAt) : null,
  };
}

/**
 * `GET /api/admin/keys` and `POST /api/admin/keys/rotate` (API.md §7, SEC-43): the ID-token
 * signing keys. A rotated-in key is published at once and signs after the publication delay
 * (at least MIN_PUBLICATION_DELAY_SECONDS), unless `immediate` — for a compromised key, at the
 * price of clients with a cached JWKS failing until they fetch it again.
 */
export const adminKeyRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const keys = keyRingOf(stores, config);

  app.get('/api/admin/keys', async () => {
    return ok('signing keys', (await keys.list(Date.now())).map(present));
  });

  app.post('/api/admin/keys/rotate', { schema: rotateSchema }, async (request, reply) => {
    const body = (request.body ?? {}) as {
      alg?: (typeof SIGNING_ALGS)[number];
      publication_delay_seconds?: number;
      immediate?: boolean;
    };
    const alg = body.alg ?? SIGNING_ALGS[0]!;
    const delay = body.immediate ? 0 : (body.publication_delay_seconds ?? DEFAULT_PUBLICATION_DELAY_SECONDS);
    const key = await keys.rotate(alg, delay, Date.now());
    await audit(stores, request, {
      type: 'signing_key.rotated',
      actor: 'admin',
      data: { kid: key.kid, alg, publication_delay_seconds: delay },
    });
    reply.code(201);
    return ok(
      `new ${alg} key ${key.kid} published; it signs from ${key.activatesAt.toISOString()}`,
      present(key),
    );
  });
};
