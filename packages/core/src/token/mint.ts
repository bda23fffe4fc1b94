import { randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import { formatScope } from '../oauth/scopes.js';
import type { AccessTokenData, Client, User } from '../ports/index.js';
import { toUnixSeconds } from './context.js';

/** The success body of the token endpoint (API.md §2). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
  refresh_token: string;
  /** Seconds left in the family's absolute lifetime. */
  refresh_token_expires_in: number;
  scope: string;
  /** OpenID Connect: only when the grant includes `openid`. */
  id_token?: string;
}

/** A freshly drawn bearer secret: the value goes to the client once, only the hash is stored. */
export interface MintedSecret {
  value: string;
  hash: string;
}

function mintSecret(prefix: string): MintedSecret {
  const value = randomToken(prefix);
  return { value, hash: sha256Hex(value) };
}

export const mintRefreshToken = (): MintedSecret => mintSecret(TOKEN_PREFIX.refreshToken);

export interface MintedAccessToken extends MintedSecret {
  data: AccessTokenData;
}

export function mintAccessToken(
  client: Client,
  grant: { userId: number; scopes: string[]; familyId: string; authTime?: number | null },
  now: number,
  ttlSeconds: number,
): MintedAccessToken {
  const issuedAt = toUnixSeconds(now);
  return {
    ...mintSecret(TOKEN_PREFIX.accessToken),
    data: {
      clientId: client.id,
      clientPublicId: client.clientId,
      userId: grant.userId,
      scopes: grant.scopes,
      familyId: grant.familyId,
      issuedAt,
      expiresAt: issuedAt + ttlSeconds,
      ...(grant.authTime != null ? { authTime: grant.authTime } : {}),
    },
  };
}

export function tokenResponse(
  access: MintedAccessToken,
  refresh: MintedSecret,
  familyExpiresAt: Date,
  now: number,
  accessTokenTtl: number,
): TokenResponse {
  return {
    access_token: access.value,
    token_type: 'Bearer',
    expires_in: accessTokenTtl,
    refresh_token: refresh.value,
    refresh_token_expires_in: Math.max(0, toUnixSeconds(familyExpiresAt.getTime() - now)),
    scope: formatScope(access.data.scopes),
  };
}

/** Tokens are issued and honoured only for users that still exist and are not disabled. */
export function isActiveUser(user: User | null): user is User {
  return user !== null && user.status === 'active';
}
