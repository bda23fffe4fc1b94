import { sha256Hex } from '../crypto.js';
import { InvalidGrantError } from '../errors.js';
import { revokeFamilies } from '../oauth/revocation.js';
import { narrowScopes } from '../oauth/scopes.js';
import type { Client, RefreshTokenRecord, RotateResult, User } from '../ports/index.js';
import type { RequestMeta, TokenContext } from './context.js';
import {
  isActiveUser,
  mintAccessToken,
  mintRefreshToken,
  type TokenResponse,
  tokenResponse,
} from './mint.js';
import { optionalParam, requiredParam, type TokenParams } from './params.js';

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

export const refreshTokenHash = (request: RefreshGrantRequest): string => sha256Hex(request.refreshToken);

export const isLiveRefreshToken = (record: RefreshTokenRecord): boolean =>
  record.rotatedAt === null && record.revokedAt === null;

export type RefreshTokenState = 'live' | 'spent';

/**
 * Step 2 (no I/O, on the record read in parallel with client authentication):
 * the token must exist and belong to the authenticated client (SECURITY.md 11) and
 * its family's absolute lifetime must not be over (RFC 9700 §4.14.2). A rotated
 * token is `spent` (a reuse, handled by `handleReuse`); a revoked one is simply invalid.
 */
export function checkRefreshToken(
  record: RefreshTokenRecord | null,
  client: Client,
  now: number,
): asserts record is RefreshTokenRecord {
  if (record === null || record.clientId !== client.id) throw new InvalidGrantError(INVALID_REFRESH_TOKEN);
  if (record.rotatedAt !== null) return;
  if (record.revokedAt !== null || record.expiresAt.getTime() <= now) {
    throw new InvalidGrantError(INVALID_REFRESH_TOKEN);
  }
}

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
 * True when a spent token is the immediate predecessor of the family's live token
 * and was rotated no more than `graceSeconds` ago — the shape of a client retrying
 * a refresh whose response it lost, or two of its workers refreshing at once.
 */
export function isGraceRetry(
  previous: RefreshTokenRecord,
  successor: RefreshTokenRecord | null,
  now: number,
  graceSeconds: number,
): boolean {
  return (
    inGraceWindow(previous, now, graceSeconds) &&
    successor !== null &&
    successor.tokenHash === previous.replacedByHash &&
    isLiveRefreshToken(successor)
  );
}

/**
 * A rotated token was presented again: someone holds a copy (RFC 9700 §4.14.2).
 * The whole family — refresh tokens in the database, access tokens in the cache —
 * is revoked and the event audited.
 *
 * Grace window (`REFRESH_GRACE_SECONDS`, default 0): the new pair cannot be handed
 * out again, because only its hashes are stored (SECURITY.md 14). So an exact retry
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
  // Only a reuse inside the window pays for reading the successor.
  const successor = inGraceWindow(previous, meta.now, graceSeconds)
    ? await stores.db.refreshTokens.findByHash(previous.replacedByHash!)
    : null;
  const withinGrace = isGraceRetry(previous, successor, meta.now, graceSeconds);
  const audit = stores.db.audit.append({
    type: 'refresh_token.reuse_detected',
    userId: previous.userId,
    clientId: client.clientId,
    actor: `client:${client.clientId}`,
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
 * Step 3: rotate (one atomic call; the successor inherits the family's absolute
 * expiry and the family's full scope, RFC 6749 §6) and issue the access token for
 * the possibly narrowed `scopes`. The access token is written first and deleted
 * again if the rotation loses — until this request answers, nobody but this request
 * knows its value. The user is read in parallel with the rotation; a user disabled
 * since issue gets nothing and the family is revoked.
 */
export async function rotateAndIssue(
  ctx: TokenContext,
  client: Client,
  record: RefreshTokenRecord,
  scopes: string[],
  meta: RequestMeta,
): Promise<TokenResponse> {
  const { stores } = ctx;
  const { accessTokenTtl } = ctx.config;
  const { familyId, userId } = record;
  const now = new Date(meta.now);
  const refresh = mintRefreshToken();
  const access = mintAccessToken(client, { userId, scopes, familyId }, meta.now, accessTokenTtl);
  const next = {
    tokenHash: refresh.hash,
    familyId,
    clientId: record.clientId,
    userId,
    scopes: record.scopes,
    expiresAt: record.expiresAt,
  };
  // The access token is stored before the old refresh token is spent: if the cache
  // is down, nothing is rotated, and the client's retry is not mistaken for a reuse.
  await stores.cache.accessTokens.put(access.hash, access.data, accessTokenTtl);
  let rotation: RotateResult;
  let user: User | null;
  try {
    [rotation, user] = await Promise.all([
      stores.db.refreshTokens.rotate(record.tokenHash, next, now),
      stores.db.users.findById(userId),
    ]);
  } catch (error) {
    await stores.cache.accessTokens.delete(access.hash).catch(ignore);
    throw error;
  }
  if (rotation.kind !== 'rotated') {
    await stores.cache.accessTokens.delete(access.hash);
    if (rotation.kind === 'reused') return handleReuse(ctx, client, rotation.previous, meta);
    throw new InvalidGrantError(INVALID_REFRESH_TOKEN);
  }
  if (!isActiveUser(user)) {
    await revokeFamilies(stores, [familyId], now);
    throw new InvalidGrantError('the user account is not active');
  }
  return tokenResponse(access, refresh, record.expiresAt, meta.now, accessTokenTtl);
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6) for an authenticated client, given the
 * record its hash named (read in parallel with the client).
 */
export async function refreshAccessToken(
  ctx: TokenContext,
  client: Client,
  record: RefreshTokenRecord | null,
  request: RefreshGrantRequest,
  meta: RequestMeta,
): Promise<TokenResponse> {
  checkRefreshToken(record, client, meta.now);
  if (record.rotatedAt !== null) return handleReuse(ctx, client, record, meta);
  const scopes = narrowScopes(request.scope, record.scopes);
  return rotateAndIssue(ctx, client, record, scopes, meta);
}
