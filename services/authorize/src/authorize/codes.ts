import { type Config, randomId, randomToken, type Stores, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';

export interface CodeGrant {
  /** Internal client id. */
  clientId: number;
  userId: number;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  /** Unix seconds of the password check behind this code. */
  authTime: number;
  /** OpenID Connect nonce of the authorization request (SEC-44). */
  nonce: string | null;
  /** The ID token's `sid`: see `sessionSid`. */
  sid: string | null;
  /** The session's authentication methods, for the ID token's `amr` (SEC-71). */
  amr: string[];
}

/**
 * The `sid` of a browser session: derived from the session's store key (itself the SHA-256
 * of the cookie), so it names the session without being a way to find or use it.
 */
export function sessionSid(sessionKey: string): string {
  return sha256Hex(`sid:${sessionKey}`).slice(0, 32);
}

/**
 * Mints an authorization code: 256 random bits behind the `gth_ac_` prefix. Only its
 * SHA-256 is stored (stores.cache.codes, TTL config.authCodeTtl), bound to the client,
 * redirect URI, user, scopes, PKCE challenge and a fresh token family; the token service
 * redeems it with sha256Hex(code).
 */
export async function issueAuthorizationCode(
  stores: Stores,
  config: Pick<Config, 'authCodeTtl'>,
  grant: CodeGrant,
): Promise<string> {
  const code = randomToken(TOKEN_PREFIX.authorizationCode);
  await stores.cache.codes.put(
    sha256Hex(code),
    {
      clientId: grant.clientId,
      userId: grant.userId,
      redirectUri: grant.redirectUri,
      scopes: [...grant.scopes],
      codeChallenge: grant.codeChallenge,
      familyId: randomId(),
      authTime: grant.authTime,
      nonce: grant.nonce,
      sid: grant.sid,
      amr: [...grant.amr],
    },
    config.authCodeTtl,
  );
  return code;
}
