import { KNOWN_SCOPES } from '@gatehouse/core';
import { ENDPOINT_AUTH_METHODS, GRANT_TYPES_SUPPORTED } from '@gatehouse/core/token';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';

/** RFC 8414 authorization server metadata (API.md §9). */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/api/oauth2/authorize`,
    token_endpoint: `${issuer}/api/oauth2/token`,
    revocation_endpoint: `${issuer}/api/oauth2/revoke`,
    introspection_endpoint: `${issuer}/api/oauth2/introspect`,
    userinfo_endpoint: `${issuer}/api/oauth2/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    // RFC 8628 §4 (the grant type is in grant_types_supported).
    device_authorization_endpoint: `${issuer}/api/oauth2/device_authorization`,
    scopes_supported: [...KNOWN_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES_SUPPORTED],
    code_challenge_methods_supported: ['S256'],
    // What the endpoints accept, from the same table they authenticate by.
    token_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.token],
    revocation_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.revocation],
    introspection_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.introspection],
    authorization_response_iss_parameter_supported: true,
  };
}

export async function metadataRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const body = authorizationServerMetadata(options.config.issuer);
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return body;
  });
}
