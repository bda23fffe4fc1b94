import { createHash } from 'node:crypto';
import type { FetchLike } from '@gatehouse/sdk';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'http://provider.test';

/**
 * A small stand-in for Gatehouse's HTTP contract, injected as the SDK's fetch, for the
 * demo app's route tests. The end-to-end test runs against the real stack instead.
 */
export function fakeProvider() {
  const calls: { method: string; url: URL; form: URLSearchParams; headers: Headers; body: string }[] = [];
  const access = new Map<string, { revoked: boolean; scope: string }>();
  const refresh = new Map<string, { revoked: boolean; scope: string }>();
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
  const state = {
    down: false,
    refreshRefused: false,
    wrongNonce: false,
    /** The available balance and the allowance left, in quota (500 000 = 1.00 USD). */
    balanceQuota: 375_000_000,
    allowanceLeftQuota: 2_500_000,
  };
  const QUOTA_PER_UNIT = 500_000;
  const money = (quota: number) => (quota / QUOTA_PER_UNIT).toFixed(2);
  const charges = new Map<string, { quota: number; status: 'held' | 'succeeded' }>();
  /** Charges API answers by Idempotency-Key: a replay gets the first answer. */
  const answered = new Map<string, Response>();
  const balanceJson = () => ({
    amount: money(state.balanceQuota),
    currency: 'USD',
    quota: state.balanceQuota,
    as_of: Date.now(),
  });
  const allowanceJson = () => ({
    limit: { amount: '5.00', quota: 2_500_000 },
    period: 'month',
    used: {
      amount: money(2_500_000 - state.allowanceLeftQuota),
      quota: 2_500_000 - state.allowanceLeftQuota,
    },
    remaining: { amount: money(state.allowanceLeftQuota), quota: state.allowanceLeftQuota },
    currency: 'USD',
    resets_at: null,
  });

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

  function issue(extra: Record<string, string> = {}, scope = 'profile balance') {
    serial += 1;
    access.set(`gth_at_${serial}`, { revoked: false, scope });
    refresh.set(`gth_rt_${serial}`, { revoked: false, scope });
    return json(200, {
      access_token: `gth_at_${serial}`,
      token_type: 'Bearer',
      expires_in: 7200,
      refresh_token: `gth_rt_${serial}`,
      refresh_token_expires_in: 2_592_000,
      scope,
      ...extra,
    });
  }

  const basicClientId = (headers: Headers) =>
    decodeURIComponent(
      Buffer.from((headers.get('authorization') ?? '').slice(6), 'base64')
        .toString()
        .split(':')[0] ?? '',
    );

  const tokenOf = (headers: Headers) => {
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    const data = token ? access.get(token) : undefined;
    return data && !data.revoked ? data : undefined;
  };
  const authorized = (headers: Headers) => tokenOf(headers) !== undefined;
  const hasCharge = (headers: Headers) => tokenOf(headers)?.scope.split(' ').includes('charge') ?? false;
  const unauthorized = () =>
    json(
      401,
      { error: 'invalid_token' },
      { 'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token"' },
    );

  /** The charges API's common rules: a token with `charge`, an Idempotency-Key, replays answered as before. */
  function chargesWrite(headers: Headers, write: () => Response): Response {
    if (!authorized(headers)) return unauthorized();
    if (!hasCharge(headers)) return json(403, { error: 'insufficient_scope' });
    const key = headers.get('idempotency-key');
    if (!key)
      return json(400, { error: 'invalid_request', error_description: 'Idempotency-Key is required' });
    const replay = answered.get(key);
    if (replay) return replay.clone();
    const response = write();
    answered.set(key, response.clone());
    return response;
  }

  const fetch: FetchLike = async (input, init = {}) => {
    if (state.down) throw new TypeError('fetch failed');
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    const method = init.method ?? 'GET';
    calls.push({ method, url, form, headers, body: typeof init.body === 'string' ? init.body : '' });
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
          const granted = code.scope
            .split(' ')
            .filter((s) => s !== 'openid')
            .join(' ');
          if (!code.scope.split(' ').includes('openid')) return issue({}, granted);
          return issue(
            {
              id_token: await idToken(
                basicClientId(headers),
                state.wrongNonce ? 'another-login' : code.nonce,
              ),
            },
            granted,
          );
        }
        const token = refresh.get(form.get('refresh_token') ?? '');
        if (!token || token.revoked || state.refreshRefused) return json(400, { error: 'invalid_grant' });
        token.revoked = true;
        return issue({}, token.scope);
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
          ...(hasCharge(headers) ? { allowance: allowanceJson() } : {}),
        });
      case 'GET /api/oauth2/topup': {
        if (!authorized(headers)) return unauthorized();
        const link = new URL(`${ISSUER}/topup?client_id=gh_demo_app`);
        const returnUri = url.searchParams.get('return_uri');
        if (returnUri) link.searchParams.set('return_uri', returnUri);
        return json(200, { topup_url: link.href });
      }
      case 'POST /api/oauth2/charges':
        return chargesWrite(headers, () => {
          const body = JSON.parse(String(init.body)) as { amount: string; capture?: boolean };
          const quota = Math.round(Number(body.amount) * QUOTA_PER_UNIT);
          if (quota > state.balanceQuota) {
            return json(402, {
              error: 'insufficient_balance',
              error_description: 'the balance cannot cover this charge',
              topup_url: `${ISSUER}/topup?client_id=gh_demo_app`,
              balance: balanceJson(),
            });
          }
          if (quota > state.allowanceLeftQuota) {
            return json(403, {
              error: 'allowance_exceeded',
              error_description: 'the allowance cannot cover this charge',
              allowance: allowanceJson(),
            });
          }
          state.balanceQuota -= quota;
          state.allowanceLeftQuota -= quota;
          serial += 1;
          const id = `ch_${serial}`;
          const status = body.capture === false ? 'held' : 'succeeded';
          charges.set(id, { quota, status });
          return json(201, {
            id,
            status,
            amount: money(quota),
            quota,
            currency: 'USD',
            balance: balanceJson(),
            allowance: allowanceJson(),
          });
        });
      default: {
        const capture = /^\/api\/oauth2\/charges\/([^/]+)\/capture$/.exec(url.pathname);
        if (method === 'POST' && capture) {
          return chargesWrite(headers, () => {
            const charge = charges.get(decodeURIComponent(capture[1]!));
            if (!charge) return json(404, { error: 'not_found' });
            if (charge.status !== 'held') return json(409, { error: 'charge_not_held' });
            charge.status = 'succeeded';
            return json(200, {
              id: capture[1],
              status: 'succeeded',
              amount: money(charge.quota),
              quota: charge.quota,
              currency: 'USD',
              captured_amount: money(charge.quota),
              captured_quota: charge.quota,
            });
          });
        }
        return json(404, { error: 'not_found' });
      }
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
    charges,
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
