import type { ClientCore } from './core.js';
import { safeEqual } from './crypto.js';
import { GatehouseError, IssuerMismatchError, OAuthResponseError, StateMismatchError } from './errors.js';
import { validateIdToken } from './id-token.js';
import type { TokenSet } from './tokens.js';

/** What `handleCallback` needs from the saved `AuthorizationRequest`. */
export interface SavedAuthorizationRequest {
  state: string;
  codeVerifier: string;
  redirectUri?: string;
  /** Set when the login asked for `openid`: the ID token must carry it. */
  nonce?: string;
}

/**
 * The callback's query: Fastify's `request.query`, Express's `req.query`, a
 * `URLSearchParams`, a `URL`, the full callback URL or just its query string.
 */
export type CallbackParams = URLSearchParams | URL | string | Readonly<Record<string, unknown>>;

function readParams(params: unknown): (name: string) => string | undefined {
  let search: URLSearchParams;
  if (params instanceof URLSearchParams) search = params;
  else if (params instanceof URL) search = params.searchParams;
  else if (typeof params === 'string') {
    search = /^https?:\/\//i.test(params) ? new URL(params).searchParams : new URLSearchParams(params);
  } else if (typeof params !== 'object' || params === null) {
    throw new GatehouseError(
      'handleCallback: pass the callback query (an object, URLSearchParams, URL or string)',
    );
  } else {
    search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string') search.append(name, item);
      }
    }
  }
  return (name) => {
    const values = search.getAll(name);
    if (values.length > 1) {
      throw new OAuthResponseError(
        'invalid_request',
        `the authorization response repeats ${name}`,
        undefined,
      );
    }
    return values[0];
  };
}

/**
 * Completes a login on the callback route: checks `state` (constant time) against the
 * saved request and `iss` against the issuer (RFC 9207), turns `error` into an
 * `OAuthResponseError`, and exchanges the code (with the PKCE verifier) for tokens.
 */
export async function exchangeCallback(
  core: ClientCore,
  params: CallbackParams | unknown,
  saved: SavedAuthorizationRequest | null | undefined,
): Promise<TokenSet> {
  const metadata = await core.metadata();
  const param = readParams(params);
  const state = param('state');
  if (!saved?.state || state === undefined || !safeEqual(state, saved.state)) throw new StateMismatchError();
  const iss = param('iss');
  if (iss !== undefined ? iss !== metadata.issuer : metadata.authorization_response_iss_parameter_supported) {
    throw new IssuerMismatchError(metadata.issuer, iss, 'authorization response');
  }
  const error = param('error');
  if (error !== undefined) throw new OAuthResponseError(error, param('error_description'), undefined);
  const code = param('code');
  if (!code) {
    throw new OAuthResponseError(
      'invalid_request',
      'the authorization response has neither code nor error',
      undefined,
    );
  }
  if (!saved.codeVerifier) throw new GatehouseError('handleCallback: the saved request has no codeVerifier');
  const tokens = await core.tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: saved.redirectUri ?? core.redirectUri,
    code_verifier: saved.codeVerifier,
  });
  if (tokens.idToken) {
    tokens.idTokenClaims = { ...(await validateIdToken(core, tokens.idToken, saved.nonce ?? null)) };
  } else if (saved.nonce) {
    throw new GatehouseError('the login asked for openid but Gatehouse returned no ID token');
  }
  return tokens;
}
