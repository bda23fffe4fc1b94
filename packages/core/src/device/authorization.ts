import { randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import { ServerError, UnauthorizedClientError } from '../errors.js';
import { resolveRequestedScopes } from '../oauth/scopes.js';
import { checkBrowserCaller } from '../oauth/web-origins.js';
import type { Client, Stores } from '../ports/index.js';
import { authenticateClient, readClientCredentials } from '../token/client-auth.js';
import type { RequestMeta } from '../token/context.js';
import type { TokenParams } from '../token/params.js';
import { formatUserCode, newUserCode } from './user-code.js';

/** RFC 8628 §3.2 defaults we use: a code lives 10 minutes and is polled every 5 seconds. */
export const DEVICE_CODE_TTL_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** Where people enter the code (relative to the issuer). */
export const DEVICE_VERIFICATION_PATH = '/device';

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** A client may start the device flow only when an administrator or its developer enabled it (SEC-56). */
export function checkDeviceGrantAllowed(client: Pick<Client, 'deviceGrantEnabled'>): void {
  if (!client.deviceGrantEnabled) {
    throw new UnauthorizedClientError(
      'this client may not use the device authorization grant: enable device_grant_enabled for it',
    );
  }
}

/**
 * `POST /api/oauth2/device_authorization` (RFC 8628 §3.1–3.2): authenticates the client like
 * the token endpoint (public clients by `client_id`), checks its flag and the scope, and stores
 * a pending authorization under the SHA-256 of a 256-bit device code (SEC-56). A user code
 * already in use is drawn again.
 */
export async function startDeviceAuthorization(
  stores: Stores,
  issuer: string,
  params: TokenParams,
  authorization: string | undefined,
  meta: RequestMeta,
): Promise<DeviceAuthorizationResponse> {
  const presented = readClientCredentials(params, authorization);
  const client = await authenticateClient(stores.db.clients, presented, 'device_authorization');
  checkBrowserCaller(client, meta.origin);
  checkDeviceGrantAllowed(client);
  const scopes = resolveRequestedScopes(params.scope === '' ? undefined : params.scope, client.allowedScopes);
  const deviceCode = randomToken(TOKEN_PREFIX.deviceCode);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const userCode = newUserCode();
    const stored = await stores.cache.deviceGrants.create(
      sha256Hex(deviceCode),
      {
        clientId: client.id,
        clientPublicId: client.clientId,
        scopes,
        userCode,
        expiresAt: meta.now + DEVICE_CODE_TTL_SECONDS * 1000,
      },
      DEVICE_POLL_INTERVAL_SECONDS,
      // Kept past its expiry so that late polls hear expired_token rather than invalid_grant.
      DEVICE_CODE_TTL_SECONDS * 2,
    );
    if (!stored) continue;
    const verificationUri = `${issuer}${DEVICE_VERIFICATION_PATH}`;
    return {
      device_code: deviceCode,
      user_code: formatUserCode(userCode),
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
      expires_in: DEVICE_CODE_TTL_SECONDS,
      interval: DEVICE_POLL_INTERVAL_SECONDS,
    };
  }
  throw new ServerError('could not draw a free user code');
}
