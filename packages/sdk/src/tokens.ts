import { GatehouseError } from './errors.js';

/**
 * What the SDK keeps per logged-in user. Plain JSON (strings and numbers), so any
 * store can hold it as is. Expiry times are absolute (milliseconds since the epoch),
 * computed from the moment the token request was sent: a stored token set never needs
 * to know when it was received.
 */
export interface TokenSet {
  accessToken: string;
  tokenType: 'Bearer';
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  refreshToken?: string;
  /** When the refresh token expires (ms since the epoch), when Gatehouse said. */
  refreshTokenExpiresAt?: number;
  /** Granted scopes, space-separated (e.g. `"profile balance"`). */
  scope: string;
  /** OpenID Connect: the latest ID token (when `openid` was granted). */
  idToken?: string;
  /** The claims of the ID token validated at login (`sub`, `email`, `auth_time`, …). */
  idTokenClaims?: Record<string, unknown>;
}

interface TokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
  scope?: unknown;
  id_token?: unknown;
}

function invalid(detail: string): GatehouseError {
  return new GatehouseError(`Gatehouse sent an invalid token response: ${detail}`);
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw invalid(`${name} is not a number`);
  return value;
}

/**
 * Turns a token endpoint response (RFC 6749 §5.1) into a `TokenSet`. `sentAt` is when
 * the request left: lifetimes count from then, so the SDK never believes a token lives
 * longer than it does. `previous` fills what a refresh response may omit (§6).
 */
export function toTokenSet(body: unknown, sentAt: number, previous?: TokenSet): TokenSet {
  if (typeof body !== 'object' || body === null) throw invalid('not a JSON object');
  const response = body as TokenResponse;
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw invalid('access_token is missing');
  }
  if (typeof response.token_type !== 'string' || response.token_type.toLowerCase() !== 'bearer') {
    throw invalid(`token_type ${JSON.stringify(response.token_type)} is not Bearer`);
  }
  const expiresIn = seconds(response.expires_in, 'expires_in');
  if (expiresIn === undefined) throw invalid('expires_in is missing');
  const refreshExpiresIn = seconds(response.refresh_token_expires_in, 'refresh_token_expires_in');
  const tokens: TokenSet = {
    accessToken: response.access_token,
    tokenType: 'Bearer',
    expiresAt: sentAt + expiresIn * 1000,
    scope: typeof response.scope === 'string' ? response.scope : (previous?.scope ?? ''),
  };
  if (typeof response.refresh_token === 'string' && response.refresh_token !== '') {
    tokens.refreshToken = response.refresh_token;
    if (refreshExpiresIn !== undefined) tokens.refreshTokenExpiresAt = sentAt + refreshExpiresIn * 1000;
  } else if (previous?.refreshToken) {
    // No rotation in this response: keep using the refresh token we have (RFC 6749 §6).
    tokens.refreshToken = previous.refreshToken;
    if (previous.refreshTokenExpiresAt !== undefined)
      tokens.refreshTokenExpiresAt = previous.refreshTokenExpiresAt;
  }
  if (typeof response.id_token === 'string' && response.id_token !== '') tokens.idToken = response.id_token;
  else if (previous?.idToken) tokens.idToken = previous.idToken;
  if (previous?.idTokenClaims) tokens.idTokenClaims = previous.idTokenClaims;
  return tokens;
}

/** The granted scopes as a list. */
export function scopesOf(tokens: Pick<TokenSet, 'scope'>): string[] {
  return tokens.scope.split(' ').filter(Boolean);
}
