import { createHash } from 'node:crypto';
import type { FetchLike } from '../http.js';

/**
 * An in-process stand-in for Gatehouse's HTTP contract, for the SDK's unit tests
 * (fake timers, exact request counts, injected failures). The end-to-end tests use
 * the real stack instead.
 */
export interface FakeGatehouseOptions {
  issuer?: string;
  /** The issuer the metadata document claims (to test the mismatch check). */
  metadataIssuer?: string;
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  scope?: string;
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  form: URLSearchParams;
}

export const CLIENT_ID = 'gh_unit_app';
export const CLIENT_SECRET = 'gth_cs_unit secret/with+reserved:chars';
export const REDIRECT_URI = 'https://app.example.com/oauth/callback';

export function fakeGatehouse(options: FakeGatehouseOptions = {}) {
  const issuer = options.issuer ?? 'https://auth.example.com';
  const accessTtl = options.accessTokenTtl ?? 7200;
  const refreshTtl = options.refreshTokenTtl ?? 2_592_000;
  const requests: RecordedRequest[] = [];
  const accessTokens = new Map<string, { expiresAt: number; revoked: boolean; scope: string }>();
  const refreshTokens = new Map<string, { used: boolean; revoked: boolean; access: string; scope: string }>();
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  let serial = 0;

  const hooks = {
    /** Resolve to hold token refreshes open (to make callers overlap). */
    refreshGate: undefined as Promise<void> | undefined,
    /** Force the next refresh answers to this error. */
    refreshError: undefined as { status: number; error: string } | undefined,
    /** Make every userinfo answer 401, even for fresh tokens. */
    rejectAllAccessTokens: false,
    /** Throw (network failure) on refresh. */
    refreshNetworkFailure: false,
  };

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    });
  }

  function issue(scope: string): Record<string, unknown> {
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
    };
  }

  function clientAuthenticated(headers: Headers): boolean {
    const header = headers.get('authorization') ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    return id === CLIENT_ID && secret === CLIENT_SECRET;
  }

  function bearer(headers: Headers) {
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    const data = token ? accessTokens.get(token) : undefined;
    if (!data || data.revoked || Date.now() >= data.expiresAt || hooks.rejectAllAccessTokens) return null;
    return data;
  }

  const unauthorized = () =>
    json(
      401,
      { error: 'invalid_token', error_description: 'the access token is invalid' },
      { 'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token"' },
    );

  async function token(form: URLSearchParams): Promise<Response> {
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
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
      return json(200, issue(code.scope));
    }
    if (grant === 'refresh_token') {
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
    return json(400, { error: 'unsupported_grant_type' });
  }

  const fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    const method = init.method ?? 'GET';
    requests.push({ method, url, headers, form });
    if (url.origin !== issuer) throw new TypeError(`fetch failed: no route to ${url.origin}`);
    switch (`${method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return json(200, {
          issuer: options.metadataIssuer ?? issuer,
          authorization_endpoint: `${issuer}/api/oauth2/authorize`,
          token_endpoint: `${issuer}/api/oauth2/token`,
          revocation_endpoint: `${issuer}/api/oauth2/revoke`,
          scopes_supported: ['profile', 'balance'],
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          authorization_response_iss_parameter_supported: true,
        });
      case 'POST /api/oauth2/token':
        if (!clientAuthenticated(headers)) return json(401, { error: 'invalid_client' });
        return token(form);
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
        if (!data) return unauthorized();
        const info: Record<string, unknown> = {
          sub: '7',
          id: 7,
          username: 'alice',
          email: 'alice@example.com',
        };
        if (data.scope.includes('balance')) {
          info.quota = 375_000_000;
          info.used_quota = 0;
          info.balance_formatted = '750.00';
          info.balance = { amount: '750.00', currency: 'USD', quota: 375_000_000, as_of: Date.now() };
        }
        return json(200, info);
      }
      case 'GET /api/oauth2/topup': {
        if (!bearer(headers)) return unauthorized();
        const link = new URL(`${issuer}/topup`);
        link.searchParams.set('client_id', CLIENT_ID);
        const returnUri = url.searchParams.get('return_uri');
        if (returnUri) link.searchParams.set('return_uri', returnUri);
        return json(200, { topup_url: link.href });
      }
      default:
        return json(404, { error: 'not_found' });
    }
  };

  return {
    issuer,
    fetch,
    requests,
    hooks,
    /** What the authorize endpoint would do for `authorizationUrl`: a code bound to its challenge. */
    approve(authorizationUrl: string): URLSearchParams {
      const url = new URL(authorizationUrl);
      serial += 1;
      const code = `code_${serial}`;
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
        scope: url.searchParams.get('scope') ?? 'profile',
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
    count(method: string, pathname: string, predicate: (request: RecordedRequest) => boolean = () => true) {
      return requests.filter((r) => r.method === method && r.url.pathname === pathname && predicate(r))
        .length;
    },
    refreshCount() {
      return requests.filter(
        (r) => r.url.pathname === '/api/oauth2/token' && r.form.get('grant_type') === 'refresh_token',
      ).length;
    },
  };
}

export type FakeGatehouse = ReturnType<typeof fakeGatehouse>;
