import { sha256Hex } from '../crypto.js';
import {
  AccessDeniedError,
  AuthorizationPendingError,
  ExpiredTokenError,
  InvalidGrantError,
  SlowDownError,
} from '../errors.js';
import type { Client } from '../ports/index.js';
import { issueForCode } from '../token/authorization-code.js';
import type { RequestMeta, TokenContext } from '../token/context.js';
import type { TokenResponse } from '../token/mint.js';
import { requiredParam, type TokenParams } from '../token/params.js';
import { checkDeviceGrantAllowed } from './authorization.js';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceCodeGrantRequest {
  deviceCode: string;
}

export function readDeviceCodeGrantRequest(params: TokenParams): DeviceCodeGrantRequest {
  return { deviceCode: requiredParam(params, 'device_code') };
}

const INVALID_DEVICE_CODE = 'the device code is invalid or was issued to another client';

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4–3.5) for an
 * authenticated client. The store decides each poll atomically: too soon → `slow_down` (the
 * interval grows by 5 s), undecided → `authorization_pending`, denied → `access_denied`, past
 * its life → `expired_token`; an approval is handed out exactly once, a second redemption is
 * `invalid_grant` (SEC-56).
 */
export async function redeemDeviceCode(
  ctx: TokenContext,
  client: Client,
  request: DeviceCodeGrantRequest,
  meta: RequestMeta,
): Promise<TokenResponse> {
  checkDeviceGrantAllowed(client);
  const poll = await ctx.stores.cache.deviceGrants.poll(sha256Hex(request.deviceCode), meta.now);
  if (poll.kind === 'not_found' || poll.data.clientId !== client.id)
    throw new InvalidGrantError(INVALID_DEVICE_CODE);
  if (poll.kind === 'redeemed') throw new InvalidGrantError('the device code was already used');
  if (meta.now >= poll.data.expiresAt) {
    throw new ExpiredTokenError('the device code expired: start a new device authorization');
  }
  if (poll.kind === 'slow_down') {
    throw new SlowDownError(`polled too fast: wait at least ${poll.interval} seconds between requests`);
  }
  if (poll.kind === 'pending')
    throw new AuthorizationPendingError('the user has not approved the request yet');
  if (poll.kind === 'denied') throw new AccessDeniedError('the user denied the request');
  const { approval } = poll;
  return issueForCode(
    ctx,
    client,
    {
      clientId: client.id,
      userId: approval.userId,
      redirectUri: '',
      scopes: approval.scopes,
      codeChallenge: null,
      familyId: approval.familyId,
      authTime: approval.authTime,
    },
    meta.now,
  );
}
