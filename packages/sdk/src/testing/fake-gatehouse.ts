import { createHash } from 'node:crypto';
import type { FetchLike } from '../http.js';
import { fakeCharges } from './fake-charges.js';
import { fakeIdTokens } from './fake-id-token.js';

/**
 * An in-process stand-in for Gatehouse's HTTP contract (API.md), injected as the SDK's `fetch`:
 * for the SDK's unit tests and an app's route tests — fake timers, exact request counts,
 * injected failures. End-to-end tests use the real stack instead.
 */
export interface FakeGatehouseOptions {
  issuer?: string;
  /** The issuer the metadata document claims (to test the mismatch check). */
  metadataIssuer?: string;
  /** The one registered client; the token and revocation endpoints want its secret as Basic. */
  clientId?: string;
  clientSecret?: string;
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  /** The scope `issueTokens` grants. */
  scope?: string;
  /** Who signs in. */
  user?: { id: number; username: string; email: string };
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  form: URLSearchParams;
  body: string;
}

export const CLIENT_ID = 'gh_unit_app';
export const CLIENT_SECRET = 'gth_cs_unit secret/with+reserved:chars';
export const REDIRECT_URI = 'https://app.example.com/oauth/callback';

export function fakeGatehouse(options: FakeGatehouseOptions = {}) {
  const issuer = options.issuer ?? 'https://auth.example.com';
  const clientId = options.clientId ?? CLIENT_ID;
  const clientSecret = options.clientSecret ?? CLIENT_SECRET;
  const user = options.user ?? { id: 7, username: 'alice', email: 'alice@example.com' };
  const accessTtl = options.accessTokenTtl ?? 7200;
  const refreshTtl = options.refreshTokenTtl ?? 2_592_000;
  const requests: RecordedRequest[] = [];
  const accessTokens = new Map<string, { expiresAt: number; revoked: boolean; scope: string }>();
  const refreshTokens = new Map<string, { used: boolean; revoked: boolean; access: string; scope: string }>();
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; scope: string; nonce: string | null }
  >();
  let serial = 0;

  const hooks = {
    /** Every request fails as a network error would. */
    down: false,
    /** Resolve to hold token refreshes open (to make callers overlap). */
    refreshGate: undefined as Promise<void> | undefined,
    /** Force the next refresh answers to this error. */
    refreshError: undefined as { status: number; error: string } | undefined,
    /** Make every userinfo answer 401, even for fresh tokens. */
    rejectAllAccessTokens: false,
    /** Throw (network failure) on refresh. */
    refreshNetworkFailure: false,
    /** ID tokens carry another login's nonce. */
    wrongNonce: false,
  };

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    });
  }
  const idTokens = fakeIdTokens(issuer, () => String(user.id));
  const charges = fakeCharges(issuer, clientId, json);

  function issue(scope: string, extra: Record<string, string> = {}): Record<string, unknown> {
    serial += 1;
    const access = `gth_at_${serial}`;
    const refresh = `gth_rt_${serial}`;
    accessTokens.set(access, { expiresAt: Date.now() + accessTtl * 1000, revoked: false, scope });
    refreshTokens.set(refresh, { used: false, revoked: false, access, scope });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: accessTtl,
      refresh_token: refresh,
      refresh_token_expires_in: refreshTtl,
      scope,
      ...extra,
    };
  }

  function clientAuthenticated(headers: Headers): boolean {
    const header = headers.get('authorization') ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    return id === clientId && secret === clientSecret;
  }

  function bearer(headers: Headers) {
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    const data = token ? accessTokens.get(token) : undefined;
    if (!data || data.revoked || Date.now() >= data.expiresAt || hooks.rejectAllAccessTokens) return null;
    return data;
  }
  const has = (scope: string, wanted: string) => scope.split(' ').includes(wanted);

  const unauthorized = () =>
    json(
      401,
      { error: 'invalid_token', error_description: 'the access token is invalid' },
      { 'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token"' },
    );

  async function codeGrant(form: URLSearchParams): Promise<Response> {
    const code = codes.get(form.get('code') ?? '');
    if (!code) return json(400, { error: 'invalid_grant', error_description: 'unknown code' });
    codes.delete(form.get('code')!);
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url');
    if (challenge !== code.challenge)
      return json(400, { error: 'invalid_grant', error_description: 'PKCE failed' });
    if (form.get('redirect_uri') !== code.redirectUri) {
      return json(400, { error: 'invalid_grant', error_description: 'redirect_uri differs' });
    }
    // `openid` asks for an ID token; it is not a scope of the access token.
    const granted = code.scope
      .split(' ')
      .filter((s) => s !== 'openid')
      .join(' ');
    if (!has(code.scope, 'openid')) return json(200, issue(granted));
    const nonce = hooks.wrongNonce ? 'another-login' : code.nonce;
    return json(200, issue(granted, { id_token: await idTokens.sign(clientId, nonce) }));
  }

  async function refreshGrant(form: URLSearchParams): Promise<Response> {
    if (hooks.refreshGate) await hooks.refreshGate;
    if (hooks.refreshNetworkFailure) throw new TypeError('fetch failed');
    if (hooks.refreshError) {
      return json(hooks.refreshError.status, {
        error: hooks.refreshError.error,
        error_description: 'refused',
      });
    }
    const refresh = refreshTokens.get(form.get('refresh_token') ?? '');
    if (!refresh || refresh.revoked)
      return json(400, { error: 'invalid_grant', error_description: 'unknown' });
    if (refresh.used) {
      // Reuse detection: the whole family dies.
      for (const data of accessTokens.values()) data.revoked = true;
      return json(400, { error: 'invalid_grant', error_description: 'refresh token reused' });
    }
    refresh.used = true;
    return json(200, issue(refresh.scope));
  }

  function userinfo(scope: string): Record<string, unknown> {
    const info: Record<string, unknown> = { sub: String(user.id), ...user };
    if (has(scope, 'balance')) {
      const balance = charges.balance();
      info.quota = balance.quota;
      info.used_quota = 0;
      info.balance_formatted = balance.amount;
      info.balance = balance;
    }
    if (has(scope, 'charge')) info.allowance = charges.allowance();
    return info;
  }

  const fetch: FetchLike = async (input, init = {}) => {
    if (hooks.down) throw new TypeError('fetch failed');
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? init.body : '';
    const form = new URLSearchParams(body);
    const method = init.method ?? 'GET';
    requests.push({ method, url, headers, form, body });
    if (url.origin !== issuer) throw new TypeError(`fetch failed: no route to ${url.origin}`);
    switch (`${method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return json(200, {
          issuer: options.metadataIssuer ?? issuer,
          authorization_endpoint: `${issuer}/api/oauth2/authorize`,
          token_endpoint: `${issuer}/api/oauth2/token`,
          revocation_endpoint: `${issuer}/api/oauth2/revoke`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          scopes_supported: ['openid', 'profile', 'balance', 'charge'],
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          authorization_response_iss_parameter_supported: true,
        });
      case 'GET /.well-known/jwks.json':
        return json(200, await idTokens.jwks());
      case 'POST /api/oauth2/token': {
        if (!clientAuthenticated(headers)) return json(401, { error: 'invalid_client' });
        const grant = form.get('grant_type');
        if (grant === 'authorization_code') return codeGrant(form);
        if (grant === 'refresh_token') return refreshGrant(form);
        return json(400, { error: 'unsupported_grant_type' });
      }
      case 'POST /api/oauth2/revoke': {
        if (!clientAuthenticated(headers)) return json(401, { error: 'invalid_client' });
        const refresh = refreshTokens.get(form.get('token') ?? '');
        if (refresh) {
          refresh.revoked = true;
          const access = accessTokens.get(refresh.access);
          if (access) access.revoked = true;
        }
        return json(200, {});
      }
      case 'GET /api/oauth2/userinfo': {
        const data = bearer(headers);
        return data ? json(200, userinfo(data.scope)) : unauthorized();
      }
      case 'GET /api/oauth2/topup': {
        if (!bearer(headers)) return unauthorized();
        const link = new URL(`${issuer}/topup`);
        link.searchParams.set('client_id', clientId);
        const returnUri = url.searchParams.get('return_uri');
        if (returnUri) link.searchParams.set('return_uri', returnUri);
        return json(200, { topup_url: link.href });
      }
    }
    if (url.pathname.startsWith('/api/oauth2/charges')) {
      const data = bearer(headers);
      if (!data) return unauthorized();
      if (!has(data.scope, 'charge')) return json(403, { error: 'insufficient_scope' });
      const answer = charges.route(method, url.pathname, headers, body);
      if (answer) return answer;
    }
    return json(404, { error: 'not_found' });
  };

  return {
    issuer,
    fetch,
    requests,
    hooks,
    /** The account's balance and the app's allowance left, in quota; tests may set them. */
    account: charges.account,
    /** Charges made so far, by id. */
    charges: charges.charges,
    /** What the authorize endpoint would do for `authorizationUrl`: the callback query of a code bound to it. */
    approve(authorizationUrl: string): URLSearchParams {
      const url = new URL(authorizationUrl);
      serial += 1;
      const code = `code_${serial}`;
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
        scope: url.searchParams.get('scope') ?? 'profile',
        nonce: url.searchParams.get('nonce'),
      });
      return new URLSearchParams({ code, state: url.searchParams.get('state') ?? '', iss: issuer });
    },
    /** Tokens as if a login had just finished, with the Gatehouse-side records. */
    issueTokens(scope = options.scope ?? 'profile balance') {
      return issue(scope);
    },
    revokeAccessToken(token: string) {
      const data = accessTokens.get(token);
      if (data) data.revoked = true;
    },
    /** As if every access token had expired early: the next call with one is a 401. */
    revokeAllAccessTokens() {
      for (const data of accessTokens.values()) data.revoked = true;
    },
    /** Requests to `pathname` (and, at the token endpoint, of `grantType`). */
    count(pathname: string, grantType?: string) {
      return requests.filter(
        (r) => r.url.pathname === pathname && (!grantType || r.form.get('grant_type') === grantType),
      ).length;
    },
  };
}

export type FakeGatehouse = ReturnType<typeof fakeGatehouse>;
