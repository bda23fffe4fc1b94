import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  type OAuthError,
} from '../errors.js';
import { parseBearerToken } from '../oauth/http-auth.js';

/**
 * RFC 6750 §3.1: a request without any authentication information. The challenge
 * then carries no error attribute; the body still says what to send.
 */
export class MissingBearerTokenError extends InvalidTokenError {
  constructor() {
    super('an access token is required: send "Authorization: Bearer <access_token>"');
  }
}

/** RFC 6750 §3.1 `insufficient_scope`, naming the scope the request needs. */
export class ScopeRequiredError extends InsufficientScopeError {
  constructor(readonly requiredScopes: readonly string[]) {
    super(`the access token lacks the scope this request needs: ${requiredScopes.join(' ')}`);
  }
}

/** What a resource request carries that may hold a token. */
export interface BearerRequest {
  authorization: string | undefined;
  /** The request's query parameters (as parsed, repeated keys as arrays). */
  query: Record<string, unknown> | undefined;
}

/**
 * Finds the access token of a resource request (RFC 6750 §2). Only the
 * Authorization header may carry it: a token in the URL ends up in logs, browser
 * history and Referer headers, so `access_token` in the query string is refused
 * even when a header is present too (§2.3, §5.3). Another authentication scheme
 * (e.g. Basic) counts as no token (§3.1); a malformed Bearer header is
 * `invalid_request`.
 */
export function bearerTokenOf(request: BearerRequest): string {
  if (request.query && Object.hasOwn(request.query, 'access_token')) {
    throw new InvalidRequestError(
      'access tokens are not accepted in the query string; send "Authorization: Bearer <access_token>"',
    );
  }
  const token = parseBearerToken(request.authorization);
  if (token === null) throw new MissingBearerTokenError();
  return token;
}

/** Throws `insufficient_scope` unless the token holds every scope in `required`. */
export function requireScopes(granted: readonly string[], required: readonly string[]): void {
  if (!required.every((scope) => granted.includes(scope))) throw new ScopeRequiredError(required);
}

/** Throws `insufficient_scope` unless the token holds at least one scope in `anyOf`. */
export function requireAnyScope(granted: readonly string[], anyOf: readonly string[]): void {
  if (!anyOf.some((scope) => granted.includes(scope))) throw new ScopeRequiredError(anyOf.slice(0, 1));
}

/**
 * RFC 6750 §3 quoted-string values may hold only %x20-21 / %x23-5B / %x5D-7E:
 * anything else (quotes, backslashes, non-ASCII, control characters) is replaced
 * so a description can never break or inject into the header.
 */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'")}"`;
}

/**
 * The `WWW-Authenticate` value for a failed resource request (RFC 6750 §3):
 * no error attribute when no token was sent, else `error`, `error_description`
 * and, for `insufficient_scope`, the `scope` needed.
 */
export function bearerChallenge(realm: string, error?: OAuthError): string {
  const parts = [`realm=${quoted(realm)}`];
  if (error && !(error instanceof MissingBearerTokenError)) {
    parts.push(`error=${quoted(error.code)}`, `error_description=${quoted(error.description)}`);
    if (error instanceof ScopeRequiredError) parts.push(`scope=${quoted(error.requiredScopes.join(' '))}`);
  }
  return `Bearer ${parts.join(', ')}`;
}

/** Errors whose response carries a Bearer challenge (RFC 6750 §3: 400 invalid_request, 401, 403). */
export function needsBearerChallenge(error: OAuthError): boolean {
  return (
    error instanceof InvalidTokenError ||
    error instanceof InsufficientScopeError ||
    error.code === 'invalid_request'
  );
}
