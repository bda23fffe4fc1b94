import { CLAIMS_SUPPORTED, JWKS_MAX_AGE_SECONDS, keyRingOf, SIGNING_ALGS } from '@gatehouse/core/oidc';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { END_SESSION_PATH } from './end-session.js';
import { authorizationServerMetadata } from './metadata.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * OpenID Connect Discovery 1.0 §3: the RFC 8414 metadata (so the two documents agree on
 * every field they share) plus what OpenID Connect adds.
 */
export function openIdConfiguration(issuer: string) {
  return {
    ...authorizationServerMetadata(issuer),
    jwks_uri: `${issuer}${JWKS_PATH}`,
    end_session_endpoint: `${issuer}${END_SESSION_PATH}`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    claims_supported: [...CLAIMS_SUPPORTED],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

/** `GET /.well-known/openid-configuration` and `GET /.well-known/jwks.json` (API.md §13). */
export async function openIdRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const body = openIdConfiguration(config.issuer);
  const keys = keyRingOf(stores, config);

  app.get('/.well-known/openid-configuration', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return body;
  });

  // SEC-43: cacheable for JWKS_MAX_AGE_SECONDS only; a rotated-in key is published at least
  // that long (plus the key reload interval) before it signs.
  app.get(JWKS_PATH, async (_request, reply) => {
    const jwks = await keys.jwks(Date.now());
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    reply.type('application/jwk-set+json');
    return jwks;
  });
}
