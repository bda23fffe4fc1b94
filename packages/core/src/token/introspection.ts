import { sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import { formatScope } from '../oauth/scopes.js';
import type { AccessTokenData, Client, RefreshTokenRecord, User } from '../ports/index.js';
import { authenticateClient, type PresentedClient } from './client-auth.js';
import { type RequestMeta, type TokenContext, toUnixSeconds } from './context.js';
import { isActiveUser } from './mint.js';
import { requiredParam, type TokenParams } from './params.js';
import { isLiveRefreshToken } from './refresh-token.js';
import { readRefreshToken } from './refresh-token-format.js';

/** RFC 7662 §2.2. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      /** Public client id. */
      client_id: string;
      username: string;
      /** The user id, as a string. */
      sub: string;
      exp: number;
      iat: number;
      token_type: 'Bearer' | 'refresh_token';
      /** Unix seconds of the sign-in behind the grant (OpenID Connect), when known. */
      auth_time?: number;
    };

export const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });

/** An access token is active while it is stored, unexpired and the caller's own (its user is checked apart). */
export function isActiveAccessToken(
  data: AccessTokenData | null,
  client: Client,
  now: number,
): data is AccessTokenData {
  return data !== null && data.clientId === client.id && data.expiresAt > toUnixSeconds(now);
}

/** A refresh token is active while it is the caller's own, neither rotated nor revoked, and its family has time left. */
export function isActiveRefreshToken(
  record: RefreshTokenRecord | null,
  client: Client,
  now: number,
): record is RefreshTokenRecord {
  return (
    record !== null &&
    record.clientId === client.id &&
    isLiveRefreshToken(record) &&
    record.expiresAt.getTime() > now
  );
}

export function describeAccessToken(data: AccessTokenData, user: User): IntrospectionResponse {
  return {
    active: true,
    scope: formatScope(data.scopes),
    client_id: data.clientPublicId,
    username: user.username,
    sub: String(data.userId),
    exp: data.expiresAt,
    iat: data.issuedAt,
    token_type: 'Bearer',
    ...(data.authTime != null ? { auth_time: data.authTime } : {}),
  };
}

export function describeRefreshToken(
  record: RefreshTokenRecord,
  client: Client,
  user: User,
): IntrospectionResponse {
  return {
    active: true,
    scope: formatScope(record.scopes),
    client_id: client.clientId,
    username: user.username,
    sub: String(record.userId),
    exp: toUnixSeconds(record.expiresAt.getTime()),
    iat: toUnixSeconds(record.createdAt.getTime()),
    token_type: 'refresh_token',
    ...(record.authTime !== null ? { auth_time: record.authTime } : {}),
  };
}

/**
 * `POST /api/oauth2/introspect` (RFC 7662). Only confidential clients may ask
 * (§2.1 requires the caller to be authorised; a public client proves nothing).
 * A token of another client is reported `{active:false}` exactly like an unknown
 * one (§2.2 lets the server decide; this way the endpoint is no oracle for tokens a
 * client merely found). The token is read in parallel with the client, the user
 * (for `username` and for "disabled since issue") once the token is known.
 */
export async function introspectToken(
  ctx: TokenContext,
  presented: PresentedClient,
  params: TokenParams,
  meta: RequestMeta,
): Promise<IntrospectionResponse> {
  const token = requiredParam(params, 'token');
  const { stores } = ctx;
  const { clients, refreshTokens, users } = stores.db;
  if (token.startsWith(TOKEN_PREFIX.accessToken)) {
    const [client, data] = await Promise.all([
      authenticateClient(clients, presented, 'introspection'),
      stores.cache.accessTokens.get(sha256Hex(token)),
    ]);
    if (!isActiveAccessToken(data, client, meta.now)) return INACTIVE;
    const user = await users.findById(data.userId);
    return isActiveUser(user) ? describeAccessToken(data, user) : INACTIVE;
  }
  if (token.startsWith(TOKEN_PREFIX.refreshToken)) {
    const [client, record] = await Promise.all([
      authenticateClient(clients, presented, 'introspection'),
      refreshTokens.find(readRefreshToken(token)),
    ]);
    if (!isActiveRefreshToken(record, client, meta.now)) return INACTIVE;
    const user = await users.findById(record.userId);
    return isActiveUser(user) ? describeRefreshToken(record, client, user) : INACTIVE;
  }
  await authenticateClient(clients, presented, 'introspection');
  return INACTIVE;
}
