import { actor } from '../audit/events.js';
import { auditRecorder } from '../audit/record.js';
import { sha256Hex } from '../crypto.js';
import { InvalidGrantError, InvalidRequestError } from '../errors.js';
import { isWellFormedCodeVerifier, verifierMatchesChallenge } from '../oauth/pkce.js';
import { revokeFamilies } from '../oauth/revoke-grants.js';
import { issueIdToken, wantsIdToken } from '../oidc/issue.js';
import type { AuthorizationCodeData, Client, ConsumeResult } from '../ports/index.js';
import { isPublicClient } from './client-auth.js';
import { CODE_REPLAY_RETAIN_SECONDS, type RequestMeta, type TokenContext } from './context.js';
import { mintAccessToken, type TokenResponse, tokenResponse } from './mint.js';
import { optionalParam, requiredParam, type TokenParams } from './params.js';
import { mintNewFamilyToken } from './refresh-token-format.js';

export interface CodeGrantRequest {
  code: string;
  redirectUri: string;
  codeVerifier: string | undefined;
}

/** One description for unknown, expired and foreign codes: which of them it was is nobody's business. */
const INVALID_CODE = 'the authorization code is invalid, expired, or was issued to another client';

/**
 * Step 1 (no I/O): the grant's parameters. A `code_verifier` that is not 43–128
 * unreserved characters can never match any challenge and is malformed input, so
 * it is `invalid_request` (RFC 6749 §5.2) — checked before the code is touched,
 * like every other syntax error.
 */
export function readCodeGrantRequest(params: TokenParams): CodeGrantRequest {
  const code = requiredParam(params, 'code');
  const redirectUri = requiredParam(params, 'redirect_uri');
  const codeVerifier = optionalParam(params, 'code_verifier');
  if (codeVerifier !== undefined && !isWellFormedCodeVerifier(codeVerifier)) {
    throw new InvalidRequestError(
      'code_verifier must be 43–128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)',
    );
  }
  return { code, redirectUri, codeVerifier };
}

/**
 * Step 2: spend the code (atomic; of concurrent redemptions exactly one is fresh).
 * A replay by the client the code was issued to — whose credentials were checked
 * before this step — revokes every token the code produced (SEC-10) and is
 * audited. A replay by some other client revokes nothing: it could not have
 * redeemed the code, and must not be able to end someone else's grant.
 */
export async function consumeCode(
  ctx: TokenContext,
  client: Client,
  code: string,
  meta: RequestMeta,
): Promise<AuthorizationCodeData> {
  const result: ConsumeResult = await ctx.stores.cache.codes.consume(
    sha256Hex(code),
    CODE_REPLAY_RETAIN_SECONDS,
  );
  if (result.kind === 'fresh') return result.data;
  if (result.kind === 'not_found' || result.data.clientId !== client.id)
    throw new InvalidGrantError(INVALID_CODE);
  const { familyId, userId } = result.data;
  await Promise.all([
    revokeFamilies(ctx.stores, [familyId], new Date(meta.now)),
    auditRecorder(ctx.stores.db.audit, ctx.reportAuditFailure).record({
      type: 'authorization_code.replayed',
      userId,
      clientId: client.clientId,
      actor: actor.client(client.clientId),
      ip: meta.ip,
      data: { familyId },
    }),
  ]);
  throw new InvalidGrantError(
    'the authorization code was already used; the tokens issued for it are revoked',
  );
}

/** Step 3: the code is bound to its client and to the exact redirect URI of the authorization request. */
export function checkCodeBinding(data: AuthorizationCodeData, client: Client, redirectUri: string): void {
  if (data.clientId !== client.id) throw new InvalidGrantError(INVALID_CODE);
  if (data.redirectUri !== redirectUri) {
    throw new InvalidGrantError('redirect_uri does not match the one of the authorization request');
  }
}

/**
 * Step 4: PKCE (RFC 7636 §4.6, SEC-05). A challenge demands a matching
 * verifier (`invalid_grant` otherwise); a verifier for a code issued without a
 * challenge is `invalid_request` (a downgrade attempt or a confused client).
 * Public clients have no secret, so for them PKCE is the proof: a code of theirs
 * without a challenge is refused.
 */
export function checkPkce(
  data: AuthorizationCodeData,
  client: Client,
  codeVerifier: string | undefined,
): void {
  const challenge = data.codeChallenge;
  if (challenge === null) {
    if (codeVerifier !== undefined) {
      throw new InvalidRequestError(
        'code_verifier was sent but the authorization request had no code_challenge',
      );
    }
    if (isPublicClient(client)) throw new InvalidGrantError('public clients must use PKCE');
    return;
  }
  if (codeVerifier === undefined) throw new InvalidGrantError('code_verifier is required for this code');
  if (!verifierMatchesChallenge(codeVerifier, challenge)) {
    throw new InvalidGrantError('code_verifier does not match the code_challenge');
  }
}

/**
 * Step 5: a new token family. The refresh token (database, stored only while the
 * user is active — one statement, no read first) and the access token (cache) are
 * written in parallel; a user disabled since the code was issued gets nothing, and
 * the access token just written is revoked with the family.
 */
export async function issueForCode(
  ctx: TokenContext,
  client: Client,
  data: AuthorizationCodeData,
  now: number,
): Promise<TokenResponse> {
  const { accessTokenTtl, refreshTokenTtl } = ctx.config;
  const { stores } = ctx;
  const access = mintAccessToken(client, data, now, accessTokenTtl);
  const refresh = mintNewFamilyToken(data.familyId);
  const familyExpiresAt = new Date(now + refreshTokenTtl * 1000);
  const oidc = wantsIdToken(data.scopes) ? ctx.oidc : undefined;
  const sid = data.sid ?? null;
  const [stored, user] = await Promise.all([
    stores.db.refreshTokens.createForActiveUser({
      tokenHash: refresh.hash,
      keyHash: refresh.keyHash,
      familyId: data.familyId,
      clientId: client.id,
      userId: data.userId,
      scopes: data.scopes,
      expiresAt: familyExpiresAt,
      authTime: data.authTime,
      sid,
    }),
    oidc ? stores.db.users.findById(data.userId) : null,
    stores.cache.accessTokens.put(access.hash, access.data, accessTokenTtl),
  ]);
  if (!stored) {
    await revokeFamilies(stores, [data.familyId], new Date(now));
    throw new InvalidGrantError('the user account is not active');
  }
  const body = tokenResponse(access, refresh, familyExpiresAt, now, accessTokenTtl);
  if (oidc && user) {
    const grant = {
      scopes: data.scopes,
      authTime: data.authTime,
      nonce: data.nonce ?? null,
      sid,
      amr: data.amr ?? null,
    };
    body.id_token = await issueIdToken(oidc, client, user, grant, access.value, now);
  }
  return body;
}

/** `grant_type=authorization_code` (RFC 6749 §4.1.3) for an authenticated client. */
export async function redeemAuthorizationCode(
  ctx: TokenContext,
  client: Client,
  request: CodeGrantRequest,
  meta: RequestMeta,
): Promise<TokenResponse> {
  const data = await consumeCode(ctx, client, request.code, meta);
  checkCodeBinding(data, client, request.redirectUri);
  checkPkce(data, client, request.codeVerifier);
  return issueForCode(ctx, client, data, meta.now);
}
