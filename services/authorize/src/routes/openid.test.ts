import { createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { ISSUER, useAuthorizeApp } from '../testing/harness.js';

const world = useAuthorizeApp();

describe('GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0)', () => {
  it('has every required and recommended field, and agrees with the RFC 8414 document', async () => {
    const response = await world.app.inject('/.well-known/openid-configuration');
    expect(response.statusCode).toBe(200);
    const oidc = response.json();
    expect(oidc).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/api/oauth2/authorize`,
      token_endpoint: `${ISSUER}/api/oauth2/token`,
      userinfo_endpoint: `${ISSUER}/api/oauth2/userinfo`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      end_session_endpoint: `${ISSUER}/api/oauth2/logout`,
      revocation_endpoint: `${ISSUER}/api/oauth2/revoke`,
      introspection_endpoint: `${ISSUER}/api/oauth2/introspect`,
      scopes_supported: ['openid', 'profile', 'email', 'balance', 'charge'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
      request_parameter_supported: false,
      claims_parameter_supported: false,
    });
    expect(oidc.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'email', 'email_verified', 'preferred_username', 'name', 'updated_at']),
    );
    const rfc8414 = (await world.app.inject('/.well-known/oauth-authorization-server')).json();
    for (const [field, value] of Object.entries(rfc8414)) expect(oidc[field], field).toEqual(value);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('serves the public signing keys (kid, use, alg), cacheable for a short time, no private parts', async () => {
    const response = await world.app.inject('/.well-known/jwks.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.json() as { keys: Record<string, unknown>[] };
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of keys) {
      expect(key).toMatchObject({ use: 'sig', kid: expect.any(String) });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    }
    expect(() => createLocalJWKSet({ keys } as never)).not.toThrow();
  });
});
