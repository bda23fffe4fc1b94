import {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceCodeGrantRequest,
  readDeviceCodeGrantRequest,
  redeemDeviceCode,
} from '../device/device-code-grant.js';
import { InvalidRequestError, UnsupportedGrantTypeError } from '../errors.js';
import { checkBrowserCaller } from '../oauth/web-origins.js';
import {
  type CodeGrantRequest,
  readCodeGrantRequest,
  redeemAuthorizationCode,
} from './authorization-code.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import type { RequestMeta, TokenContext } from './context.js';
import type { TokenResponse } from './mint.js';
import type { TokenParams } from './params.js';
import { type RefreshGrantRequest, readRefreshGrantRequest, refreshAccessToken } from './refresh-token.js';

export type TokenRequest =
  | { grantType: 'authorization_code'; grant: CodeGrantRequest }
  | { grantType: 'refresh_token'; grant: RefreshGrantRequest }
  | { grantType: typeof DEVICE_CODE_GRANT_TYPE; grant: DeviceCodeGrantRequest };

/** The grant types this server issues tokens for (also what discovery metadata lists). */
export const GRANT_TYPES_SUPPORTED = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE] as const;

/**
 * Step 1 (no I/O): `grant_type` and the grant's own parameters. Missing →
 * `invalid_request`; a value we do not support → `unsupported_grant_type`.
 */
export function readTokenRequest(params: TokenParams): TokenRequest {
  const grantType = params.grant_type;
  if (grantType === undefined || grantType === '') throw new InvalidRequestError('grant_type is required');
  if (grantType === 'authorization_code') return { grantType, grant: readCodeGrantRequest(params) };
  if (grantType === 'refresh_token') return { grantType, grant: readRefreshGrantRequest(params) };
  if (grantType === DEVICE_CODE_GRANT_TYPE) return { grantType, grant: readDeviceCodeGrantRequest(params) };
  throw new UnsupportedGrantTypeError(
    `grant_type must be authorization_code, refresh_token or ${DEVICE_CODE_GRANT_TYPE}`,
  );
}

/**
 * `POST /api/oauth2/token` (RFC 6749 §3.2): every syntax check first, then client
 * authentication, then the grant. Both grants authenticate before they touch their
 * credential: spending a code or rotating a refresh token is a side effect, and a
 * replay with wrong credentials must change nothing (SEC-10) — and a browser call by a
 * client that may not make one must change nothing either (SEC-54).
 */
export async function exchangeToken(
  ctx: TokenContext,
  params: TokenParams,
  authorization: string | undefined,
  meta: RequestMeta,
): Promise<TokenResponse> {
  const request = readTokenRequest(params);
  const presented = readClientCredentials(params, authorization);
  const client = await authenticateClient(ctx.stores.db.clients, presented, 'token');
  checkBrowserCaller(client, meta.origin);
  if (request.grantType === 'authorization_code') {
    return redeemAuthorizationCode(ctx, client, request.grant, meta);
  }
  if (request.grantType === DEVICE_CODE_GRANT_TYPE) return redeemDeviceCode(ctx, client, request.grant, meta);
  return refreshAccessToken(ctx, client, request.grant, meta);
}
