import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from 'jose';
import type { ClientCore } from './core.js';
import { safeEqual } from './crypto.js';
import { GatehouseError } from './errors.js';

/** The ID token's claims after validation (OpenID Connect Core §3.1.3.7). */
export interface IdTokenClaims extends JWTPayload {
  sub: string;
  auth_time?: number;
  nonce?: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
}

/** One remote key set per client (each may have its own fetch), fetched on first use, refetched on an unknown kid. */
const jwksByClient = new WeakMap<ClientCore, ReturnType<typeof createRemoteJWKSet>>();

/**
 * Validates an ID token with jose: signature by a key of the issuer's JWKS (`jwks_uri` from
 * the metadata), `iss`, `aud` (and `azp`) = this client, `exp`/`iat`, and — for the code
 * exchange — `nonce` equal to the one this login sent.
 */
export async function validateIdToken(
  core: ClientCore,
  idToken: string,
  expectedNonce: string | null,
): Promise<IdTokenClaims> {
  const metadata = await core.metadata();
  const jwksUri =
    typeof metadata.jwks_uri === 'string' ? metadata.jwks_uri : `${core.issuer}/.well-known/jwks.json`;
  let jwks = jwksByClient.get(core);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(jwksUri), {
      [customFetch]: core.fetchFn as unknown as typeof fetch,
    });
    jwksByClient.set(core, jwks);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, jwks, {
      issuer: metadata.issuer,
      audience: core.clientId,
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: 60,
    }));
  } catch (error) {
    throw new GatehouseError(`the ID token is invalid: ${(error as Error).message}`);
  }
  if (payload.azp !== undefined && payload.azp !== core.clientId) {
    throw new GatehouseError('the ID token was issued to another client (azp)');
  }
  if (expectedNonce !== null) {
    if (typeof payload.nonce !== 'string' || !safeEqual(payload.nonce, expectedNonce)) {
      throw new GatehouseError('the ID token does not carry the nonce of this login');
    }
  }
  return payload as IdTokenClaims;
}
