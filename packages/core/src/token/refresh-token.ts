import { actor } from '../audit/events.js';
import { auditRecorder } from '../audit/record.js';
import { InvalidGrantError, InvalidScopeError } from '../errors.js';
import { revokeFamilies } from '../oauth/revoke-grants.js';
import { narrowScopes, parseScope } from '../oauth/scopes.js';
import { issueIdToken, wantsIdToken } from '../oidc/issue.js';
import type { Client, RefreshTokenRecord } from '../ports/index.js';
import type { RequestMeta, TokenContext } from './context.js';
import { mintAccessToken, type TokenResponse, tokenResponse } from './mint.js';
import { optionalParam, requiredParam, type TokenParams } from './params.js';
import type { RefreshRefusal } from './refresh-refusal.js';
import { mintFamilyToken, readRefreshToken } from './refresh-token-format.js';

export interface RefreshGrantRequest {
  refreshToken: string;
  /** The `scope` parameter as sent; undefined keeps the granted scopes. */
  scope: string | undefined;
}

/** Unknown, foreign, revoked and expired tokens all read the same to the caller. */
const INVALID_REFRESH_TOKEN = 'the refresh token is invalid, expired or revoked';

/** Step 1 (no I/O). */
export function readRefreshGrantRequest(params: TokenParams): RefreshGrantRequest {
  return { refreshToken: requiredParam(params, 'refresh_token'), scope: optionalParam(params, 'scope') };
}

export const isLiveRefreshToken = (record: RefreshTokenRecord): boolean =>
  record.rotatedAt === null && record.revokedAt === null;

/** The time-and-state half of the grace rule: rotated (not revoked) at most `graceSeconds` ago. */
export function inGraceWindow(previous: RefreshTokenRecord, now: number, graceSeconds: number): boolean {
  return (
    graceSeconds > 0 &&
    previous.rotatedAt !== null &&
    previous.revokedAt === null &&
    previous.replacedByHash !== null &&
    now - previous.rotatedAt.getTime() <= graceSeconds * 1000
  );
}

/**
 * A rotated token was presented again: someone holds a copy (RFC 9700 §4.14.2).
 * The whole family — refresh tokens in the database, access tokens in the cache —
 * is revoked and the event audited.
 *
 * Grace window (`REFRESH_GRACE_SECONDS`, default 0): the new pair cannot be handed
 * out again, because only its hashes are stored (SEC-14). So an exact retry
 * of the immediate predecessor within the window is *not* given tokens; it gets
 * `invalid_grant` but leaves the family alive, so the request that won the race
 * keeps its tokens. It is still audited.
 */
export async function handleReuse(
  ctx: TokenContext,
  client: Client,
  previous: RefreshTokenRecord,
  meta: RequestMeta,
): Promise<never> {
  const { stores } = ctx;
  const graceSeconds = ctx.config.refreshGraceSeconds;
  if (previous.rotatedAt === null) throw new InvalidGrantError(INVALID_REFRESH_TOKEN);
  // `replacedByHash` is set only for the family's immediate predecessor, whose successor is the
  // family's current token: live exactly while the family is unrevoked (checked in the window).
  const withinGrace = inGraceWindow(previous, meta.now, graceSeconds);
  const audit = auditRecorder(stores.db.audit, ctx.reportAuditFailure).record({
    type: 'refresh_token.reuse_detected',
    userId: previous.userId,
    clientId: client.clientId,
    actor: actor.client(client.clientId),
    ip: meta.ip,
    data: { familyId: previous.familyId, familyRevoked: !withinGrace },
  });
  if (withinGrace) {
    await audit;
    throw new InvalidGrantError('the refresh token was already used; use the one issued by that refresh');
  }
  await Promise.all([revokeFamilies(stores, [previous.familyId], new Date(meta.now)), audit]);
  throw new InvalidGrantError('the refresh token was already used; every token of its grant is revoked');
}

const ignore = (): void => undefined;

/**
 * Acts on the reason core gave for a refused rotation (`refreshRefusal`); always throws.
 * Foreign, unknown, revoked and expired read alike; a reuse is handled as such; a user
 * disabled since issue takes the family with it.
 */
async function actOnRefusal(
  ctx: TokenContext,
  client: Client,
  reason: RefreshRefusal | 'raced',
  current: RefreshTokenRecord | null,
  meta: RequestMeta,
): Promise<never> {
  if (reason === 'reused' && current) return handleReuse(ctx, client, current, meta);
  if (reason === 'scope')
    throw new InvalidScopeError('the requested scope exceeds the scope originally granted');
  if (reason === 'user_inactive' && current) {
    await revokeFamilies(ctx.stores, [current.familyId], new Date(meta.now));
    throw new InvalidGrantError('the user account is not active');
  }
  throw new InvalidGrantError(INVALID_REFRESH_TOKEN);
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6) for an authenticated client. The hot path
 * is one database statement — the rotation, which enforces `refreshRefusal` (client
 * binding, liveness, absolute lifetime, scope and user; SEC-11, SEC-80) — and one cache write
 * for the access token. Only a refused rotation pays for reading the token to say why.
 *
 * The access token is stored after the rotation; if that fails (cache down), the
 * rotation is undone, so the client's retry is not mistaken for a reuse.
 */
export async function refreshAccessToken(
  ctx: TokenContext,
  client: Client,
  request: RefreshGrantRequest,
  meta: RequestMeta,
): Promise<TokenResponse> {
  const { stores } = ctx;
  const { accessTokenTtl } = ctx.config;
  const presented = readRefreshToken(request.refreshToken);
  // A token from before families names none: only it pays for finding its family by hash (SEC-81).
  const position = presented.format === 'family' ? presented : await stores.db.refreshTokens.find(presented);
  if (position === null) return actOnRefusal(ctx, client, 'unknown', null, meta);
  const key = presented.format === 'family' ? presented.key : undefined;
  const refresh = mintFamilyToken(position.familyId, position.generation + 1, key);
  const rotation = await stores.db.refreshTokens.rotate({
    presented,
    familyId: position.familyId,
    generation: position.generation,
    clientId: client.id,
    nextHash: refresh.hash,
    keyHash: refresh.keyHash,
    requestedScopes: parseScope(request.scope),
    now: new Date(meta.now),
  });
  if (rotation.kind === 'refused') {
    return actOnRefusal(ctx, client, rotation.reason, rotation.current, meta);
  }
  const { previous } = rotation;
  const scopes = narrowScopes(request.scope, previous.scopes);
  const access = mintAccessToken(
    client,
    { userId: previous.userId, scopes, familyId: previous.familyId, authTime: previous.authTime },
    meta.now,
    accessTokenTtl,
  );
  const oidc = wantsIdToken(scopes) ? ctx.oidc : undefined;
  let user: Awaited<ReturnType<typeof stores.db.users.findById>> = null;
  try {
    [, user] = await Promise.all([
      stores.cache.accessTokens.put(access.hash, access.data, accessTokenTtl),
      oidc ? stores.db.users.findById(previous.userId) : null,
    ]);
  } catch (error) {
    await stores.db.refreshTokens
      .undoRotation(position.familyId, presented.tokenHash, refresh.hash)
      .catch(ignore);
    throw error;
  }
  const body = tokenResponse(access, refresh, previous.expiresAt, meta.now, accessTokenTtl);
  if (oidc && user) {
    // OIDC Core §12.2: the same sub and auth_time as at sign-in, no nonce.
    const grant = { scopes, authTime: previous.authTime, nonce: null, sid: previous.sid };
    body.id_token = await issueIdToken(oidc, client, user, grant, access.value, meta.now);
  }
  return body;
}
