import { createHash } from 'node:crypto';
import type { FetchLike } from '@gatehouse/sdk';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'http://provider.test';

/**
 * A small stand-in for Gatehouse's HTTP contract, injected as the SDK's fetch, for the
 * demo app's route tests. The end-to-end test runs against the real stack instead.
 */
export function fakeProvider() {
  const calls: { method: string; url: URL; form: URLSearchParams; headers: Headers }[] = [];
  const access = new Map<string, { revoked: boolean }>();
  const refresh = new Map<string, { revoked: boolean }>();
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; scope: string; nonce: string | null }
  >();
  // OpenID Connect: one signing key per fake provider, published at /.well-known/jwks.json.
  const signingKey = generateKeyPair('RS256', { extractable: true });
  async function idToken(clientId: string, nonce: string | null): Promise<string> {
    const { privateKey } = await signingKey;
    return new SignJWT({
      azp: clientId,
      auth_time: Math.floor(Date.now() / 1000),
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'fake-1' })
      .setIssuer(ISSUER)
      .setSubject('1')
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey as CryptoKey);
  }
  let serial = 0;
  const state = { down: false, refreshRefused: false, wrongNonce: false };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

  function issue(extra: Record<string, string> = {}) {
    serial += 1;
    access.set(`gth_at_${serial}`, { revoked: false });
    refresh.set(`gth_rt_${serial}`, { revoked: false });
    return json(200, {
      access_token: `gth_at_${serial}`,
      token_type: 'Bearer',
      expires_in: 7200,
      refresh_token: `gth_rt_${serial}`,
      refresh_token_expires_in: 2_592_000,
      scope: 'profile balance',
      ...extra,
    });
  }

  const basicClientId = (headers: Headers) =>
    decodeURIComponent(
      Buffer.from((headers.get('authorization') ?? '').slice(6), 'base64')
        .toString()
        .split(':')[0] ?? '',
    );

  const authorized = (headers: Headers) => {
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    const data = token ? access.get(token) : undefined;
    return data !== undefined && !data.revoked;
  };
  const unauthorized = () =>
    json(
      401,
      { error: 'invalid_token' },
      { 'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token"' },
    );

  const fetch: FetchLike = async (input, init = {}) => {
    if (state.down) throw new TypeError('fetch failed');
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    const method = init.method ?? 'GET';
    calls.push({ method, url, form, headers });
    switch (`${method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return json(200, {
          issuer: ISSUER,
          authorization_endpoint: `${ISSUER}/api/oauth2/authorize`,
          token_endpoint: `${ISSUER}/api/oauth2/token`,
          revocation_endpoint: `${ISSUER}/api/oauth2/revoke`,
          jwks_uri: `${ISSUER}/.well-known/jwks.json`,
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
        });
      case 'GET /.well-known/jwks.json': {
        const jwk = await exportJWK((await signingKey).publicKey);
        return json(200, { keys: [{ ...jwk, kid: 'fake-1', alg: 'RS256', use: 'sig' }] });
      }
      case 'POST /api/oauth2/token': {
        if (!headers.get('authorization')?.startsWith('Basic '))
          return json(401, { error: 'invalid_client' });
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const challenge = createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url');
          if (!code || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) {
            return json(400, { error: 'invalid_grant' });
          }
          if (!code.scope.split(' ').includes('openid')) return issue();
          return issue({
            id_token: await idToken(basicClientId(headers), state.wrongNonce ? 'another-login' : code.nonce),
          });
        }
        const token = refresh.get(form.get('refresh_token') ?? '');
        if (!token || token.revoked || state.refreshRefused) return json(400, { error: 'invalid_grant' });
        token.revoked = true;
        return issue();
      }
      case 'POST /api/oauth2/revoke': {
        const token = refresh.get(form.get('token') ?? '');
        if (token) token.revoked = true;
        for (const data of access.values()) data.revoked = true;
        return json(200, {});
      }
      case 'GET /api/oauth2/userinfo':
        if (!authorized(headers)) return unauthorized();
        return json(200, {
          sub: '1',
          id: 1,
          username: 'demo',
          email: 'demo@gatehouse.localhost',
          quota: 375_000_000,
          used_quota: 0,
          balance_formatted: '750.00',
          balance: { amount: '750.00', currency: 'USD', quota: 375_000_000, as_of: Date.now() },
        });
      case 'GET /api/oauth2/topup': {
        if (!authorized(headers)) return unauthorized();
        const link = new URL(`${ISSUER}/topup?client_id=gh_demo_app`);
        const returnUri = url.searchParams.get('return_uri');
        if (returnUri) link.searchParams.set('return_uri', returnUri);
        return json(200, { topup_url: link.href });
      }
      default:
        return json(404, { error: 'not_found' });
    }
  };

  return {
    fetch,
    calls,
    state,
    /** The provider's answer to an authorization URL: the callback query (code, state, iss). */
    approve(authorizationUrl: string): URLSearchParams {
      const url = new URL(authorizationUrl);
      serial += 1;
      codes.set(`code_${serial}`, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri: url.searchParams.get('redirect_uri') ?? '',
        scope: url.searchParams.get('scope') ?? '',
        nonce: url.searchParams.get('nonce'),
      });
      return new URLSearchParams({
        code: `code_${serial}`,
        state: url.searchParams.get('state') ?? '',
        iss: ISSUER,
      });
    },
    revokeAllAccessTokens() {
      for (const data of access.values()) data.revoked = true;
    },
    count(pathname: string, grantType?: string) {
      return calls.filter(
        (c) => c.url.pathname === pathname && (!grantType || c.form.get('grant_type') === grantType),
      ).length;
    },
  };
}
