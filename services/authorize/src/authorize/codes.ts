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
    },
    config.authCodeTtl,
  );
  return code;
}
