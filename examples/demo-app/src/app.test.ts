import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeGatehouse, fakeGatehouse } from '@gatehouse/sdk/testing';
import { DEMO } from '@gatehouse/stack/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDemoApp,
  DEVELOPMENT_CLIENT,
  loadConfig,
  SessionStore,
  WEBHOOK_PATH,
  WebhookLog,
} from './app.js';

const APP_URL = 'http://localhost:3001';
const ISSUER = 'http://provider.test';

function cookieOf(response: LightMyRequestResponse): string | undefined {
  const header = response.headers['set-cookie'];
  const line = (Array.isArray(header) ? header : [header]).find((value) =>
    value?.startsWith('demo_session='),
  );
  return line?.split(';')[0];
}

describe('demo app routes', () => {
  let app: FastifyInstance;
  let provider: FakeGatehouse;
  let sessions: SessionStore;

  beforeEach(async () => {
    provider = fakeGatehouse({
      issuer: ISSUER,
      clientId: DEVELOPMENT_CLIENT.clientId,
      clientSecret: DEVELOPMENT_CLIENT.clientSecret,
      user: { id: 1, username: 'demo', email: 'demo@gatehouse.localhost' },
    });
    sessions = new SessionStore();
    const config = loadConfig({ GATEHOUSE_ISSUER: ISSUER, DEMO_APP_URL: APP_URL });
    app = await buildDemoApp({ config, fetch: provider.fetch, sessions });
  });

  afterEach(async () => {
    await app.close();
  });

  /** Start → (provider approves) → callback; returns the logged-in session cookie. */
  async function login(popup = false, query = popup ? '?popup=1' : '') {
    const start = await app.inject({ url: `/auth/oauth/start${query}` });
    const startCookie = cookieOf(start)!;
    const callback = await app.inject({
      url: `/oauth/callback?${provider.approve(start.headers.location as string)}`,
      headers: { cookie: startCookie },
    });
    return { start, startCookie, callback, cookie: cookieOf(callback)! };
  }

  it('reads its configuration from the environment, with development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      issuer: 'http://localhost:3000',
      clientId: DEVELOPMENT_CLIENT.clientId,
      clientSecret: DEVELOPMENT_CLIENT.clientSecret,
      port: 3001,
      appUrl: 'http://localhost:3001',
      redirectUri: 'http://localhost:3001/oauth/callback',
    });
    expect(loadConfig({ DEMO_APP_URL: 'https://demo.example.com/', DEMO_APP_PORT: '8080' })).toMatchObject({
      redirectUri: 'https://demo.example.com/oauth/callback',
      port: 8080,
    });
    expect(() => loadConfig({ DEMO_APP_PORT: 'eighty' })).toThrow(/DEMO_APP_PORT/);
  });

  it("never takes the provider's PORT or HOST, and finds the provider where they put it", () => {
    // `pnpm start` gives both processes one environment: PORT is the provider's.
    expect(loadConfig({ PORT: '4000', HOST: '0.0.0.0' })).toMatchObject({
      port: 3001,
      host: 'localhost',
      issuer: 'http://localhost:4000',
    });
    expect(loadConfig({ ISSUER: 'https://id.example.com', PORT: '4000' }).issuer).toBe(
      'https://id.example.com',
    );
    expect(
      loadConfig({ GATEHOUSE_ISSUER: 'https://other.example.com', ISSUER: 'https://id.example.com' }).issuer,
    ).toBe('https://other.example.com');
    expect(loadConfig({ DEMO_APP_PORT: '4001', DEMO_APP_HOST: '0.0.0.0' })).toMatchObject({
      port: 4001,
      host: '0.0.0.0',
      appUrl: 'http://localhost:4001',
      redirectUri: 'http://localhost:4001/oauth/callback',
    });
  });

  it('GET /auth/oauth/start redirects to Gatehouse with state, PKCE and auto_authorize, keeping them server-side', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    expect(start.statusCode).toBe(302);
    const target = new URL(start.headers.location as string);
    expect(`${target.origin}${target.pathname}`).toBe(`${ISSUER}/api/oauth2/authorize`);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      client_id: DEVELOPMENT_CLIENT.clientId,
      redirect_uri: `${APP_URL}/oauth/callback`,
      response_type: 'code',
      scope: 'openid profile email balance',
      auto_authorize: 'true',
      code_challenge_method: 'S256',
    });
    expect(target.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(target.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(target.search).not.toContain(DEVELOPMENT_CLIENT.clientSecret);
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toContain(target.searchParams.get('state')!);
    expect(start.headers['cache-control']).toBe('no-store');
  });

  it('the callback exchanges the code server-side, rotates the session and redirects to /', async () => {
    const { startCookie, callback, cookie } = await login();
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe('/');
    expect(cookie).toBeDefined();
    expect(cookie).not.toBe(startCookie);
    expect(provider.count('/api/oauth2/token', 'authorization_code')).toBe(1);

    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      username: 'demo',
      email: 'demo@gatehouse.localhost',
      balance_formatted: '750.00',
    });
    expect(info.body).not.toContain('gth_at_');
    expect(info.body).not.toContain('gth_rt_');
    expect(info.headers['cache-control']).toBe('no-store');

    // The pre-login session id is dead.
    expect((await app.inject({ url: '/api/user/info', headers: { cookie: startCookie } })).statusCode).toBe(
      401,
    );
  });

  it('a replayed callback is refused (one attempt per state)', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    const query = provider.approve(start.headers.location as string);
    const cookie = cookieOf(start)!;
    await app.inject({ url: `/oauth/callback?${query}`, headers: { cookie } });
    const again = await app.inject({ url: `/oauth/callback?${query}`, headers: { cookie } });
    expect(again.headers.location).toBe('/?error=state_mismatch');
  });

  it('refuses a callback whose state does not match, or that arrives without the session', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    const query = provider.approve(start.headers.location as string);
    query.set('state', 'forged');
    const forged = await app.inject({
      url: `/oauth/callback?${query}`,
      headers: { cookie: cookieOf(start)! },
    });
    expect(forged.headers.location).toBe('/?error=state_mismatch');
    const query2 = provider.approve(
      (await app.inject({ url: '/auth/oauth/start' })).headers.location as string,
    );
    const noSession = await app.inject({ url: `/oauth/callback?${query2}` });
    expect(noSession.headers.location).toBe('/?error=state_mismatch');
    expect(provider.count('/api/oauth2/token')).toBe(0);
  });

  it('refuses a callback from another issuer', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    const query = provider.approve(start.headers.location as string);
    query.set('iss', 'http://evil.test');
    const response = await app.inject({
      url: `/oauth/callback?${query}`,
      headers: { cookie: cookieOf(start)! },
    });
    expect(response.headers.location).toBe('/?error=issuer_mismatch');
  });

  it('shows a declined login as access_denied', async () => {
    const start = await app.inject({ url: '/auth/oauth/start' });
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const response = await app.inject({
      url: `/oauth/callback?${new URLSearchParams({ error: 'access_denied', state, iss: ISSUER })}`,
      headers: { cookie: cookieOf(start)! },
    });
    expect(response.headers.location).toBe('/?error=access_denied');
  });

  it('the popup variant ends on /oauth/callback.html', async () => {
    const { callback } = await login(true);
    expect(callback.headers.location).toBe('/oauth/callback.html?login=success');
    const start = await app.inject({ url: '/auth/oauth/start?popup=1' });
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const denied = await app.inject({
      url: `/oauth/callback?${new URLSearchParams({ error: 'access_denied', state, iss: ISSUER })}`,
      headers: { cookie: cookieOf(start)! },
    });
    expect(denied.headers.location).toBe('/oauth/callback.html?error=access_denied');
  });

  it('answers 401 JSON when not logged in, or with a forged cookie', async () => {
    for (const cookie of [undefined, 'demo_session=forged', 'demo_session=abc.def']) {
      const response = await app.inject({ url: '/api/user/info', headers: cookie ? { cookie } : {} });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: 'login_required',
        error_description: 'Log in with Gatehouse first.',
      });
    }
  });

  it('refresh balance and top-up go through the server', async () => {
    const { cookie } = await login();
    const balance = await app.inject({ method: 'POST', url: '/api/balance/refresh', headers: { cookie } });
    expect(balance.statusCode).toBe(200);
    expect(balance.json().balance).toMatchObject({
      amount: '750.00',
      currency: 'USD',
      formatted: '750.00 USD',
    });

    const topup = await app.inject({ url: '/api/topup', headers: { cookie } });
    expect(topup.statusCode).toBe(200);
    const link = new URL(topup.json().topup_url);
    expect(link.origin).toBe(ISSUER);
    // The plain home page: only Gatehouse's `topup=success` says a top-up happened.
    expect(link.searchParams.get('return_uri')).toBe(`${APP_URL}/`);
  });

  it('"Enable purchases" asks for `charge` too, suggesting an allowance of 5.00 a month', async () => {
    const start = await app.inject({ url: '/auth/oauth/start?purchases=1' });
    expect(start.statusCode).toBe(302);
    const target = new URL(start.headers.location as string);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      scope: 'openid profile email balance charge',
      charge_limit: '5.00',
      charge_period: 'month',
    });
    // The plain login suggests nothing.
    const plain = new URL((await app.inject({ url: '/auth/oauth/start' })).headers.location as string);
    expect(plain.searchParams.has('charge_limit')).toBe(false);
  });

  it('a purchase holds 0.50 and then captures it, each write with its own Idempotency-Key', async () => {
    const { cookie } = await login(false, '?purchases=1');
    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.json().allowance).toMatchObject({ limit: { amount: '5.00' }, period: 'month' });

    const buy = await app.inject({
      method: 'POST',
      url: '/api/purchase',
      headers: { cookie, origin: APP_URL },
    });
    expect(buy.statusCode).toBe(200);
    expect(buy.json()).toMatchObject({
      charge: { status: 'succeeded', captured_amount: '0.50', currency: 'USD' },
      balance: { amount: '749.50', currency: 'USD' },
      allowance: { remaining: { amount: '4.50' } },
    });
    expect(buy.body).not.toContain('gth_at_');
    expect(buy.headers['cache-control']).toBe('no-store');

    const writes = provider.requests.filter((c) => c.url.pathname.startsWith('/api/oauth2/charges'));
    expect(writes.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'POST /api/oauth2/charges',
      `POST /api/oauth2/charges/${buy.json().charge.id}/capture`,
    ]);
    expect(JSON.parse(writes[0]!.body)).toEqual({
      amount: '0.50',
      description: 'Demo App premium feature',
      reference: expect.any(String),
      capture: false,
    });
    const keys = writes.map((c) => c.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^premium-[\w-]{36}$/);
    expect(keys[1]).toBe(`${keys[0]}-capture`);
    expect(provider.charges.get(buy.json().charge.id)).toEqual({ quota: 250_000, status: 'succeeded' });

    // Each click is a purchase of its own.
    await app.inject({ method: 'POST', url: '/api/purchase', headers: { cookie, origin: APP_URL } });
    expect(provider.account.balanceQuota).toBe(375_000_000 - 500_000);
  });

  it('a balance too low for the purchase answers 402 with the top-up link; an exhausted allowance 403', async () => {
    const { cookie } = await login(false, '?purchases=1');
    provider.account.balanceQuota = 100_000;
    const poor = await app.inject({ method: 'POST', url: '/api/purchase', headers: { cookie } });
    expect(poor.statusCode).toBe(402);
    expect(poor.json()).toMatchObject({
      error: 'insufficient_balance',
      topup_url: `${ISSUER}/topup?client_id=gh_demo_app`,
    });

    provider.account.balanceQuota = 375_000_000;
    provider.account.allowanceLeftQuota = 200_000;
    const capped = await app.inject({ method: 'POST', url: '/api/purchase', headers: { cookie } });
    expect(capped.statusCode).toBe(403);
    expect(capped.json()).toMatchObject({
      error: 'allowance_exceeded',
      error_description: expect.stringContaining('spending limit'),
      allowance: { remaining: { amount: '0.40' } },
    });
    // Nothing was captured: no hold was made.
    expect(provider.count('/api/oauth2/charges')).toBe(2);
    expect(provider.charges.size).toBe(0);
  });

  it('a purchase without `charge` says to enable purchases; signed out is 401; cross-origin is 403', async () => {
    const { cookie } = await login();
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).json()).not.toHaveProperty(
      'allowance',
    );
    const buy = await app.inject({ method: 'POST', url: '/api/purchase', headers: { cookie } });
    expect(buy.statusCode).toBe(403);
    expect(buy.json().error).toBe('purchases_not_enabled');
    expect((await app.inject({ method: 'POST', url: '/api/purchase' })).statusCode).toBe(401);
    const forged = await app.inject({
      method: 'POST',
      url: '/api/purchase',
      headers: { cookie, origin: 'https://evil.example.com' },
    });
    expect(forged.statusCode).toBe(403);
    expect(provider.count('/api/oauth2/charges')).toBe(1);
  });

  it('refreshes and retries once when Gatehouse refuses the access token', async () => {
    const { cookie } = await login();
    provider.revokeAllAccessTokens();
    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.statusCode).toBe(200);
    expect(provider.count('/api/oauth2/token', 'refresh_token')).toBe(1);
  });

  it('a refused refresh (user disconnected the app) logs the user out: 401 login_required', async () => {
    const { cookie } = await login();
    provider.revokeAllAccessTokens();
    provider.hooks.refreshError = { status: 400, error: 'invalid_grant' };
    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.statusCode).toBe(401);
    expect(info.json().error).toBe('login_required');
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).statusCode).toBe(401);
    expect(provider.count('/api/oauth2/token', 'refresh_token')).toBe(1);
  });

  it("an ID token that does not carry this login's nonce ends the login without a session", async () => {
    provider.hooks.wrongNonce = true;
    try {
      const { callback } = await login();
      expect(callback.statusCode).toBe(302);
      expect(callback.headers.location).toContain('login_failed');
      const info = await app.inject({ url: '/api/user/info', headers: { cookie: cookieOf(callback) ?? '' } });
      expect(info.statusCode).toBe(401);
    } finally {
      provider.hooks.wrongNonce = false;
    }
  });

  it('a provider outage is a 502, not a logout', async () => {
    const { cookie } = await login();
    provider.hooks.down = true;
    const info = await app.inject({ url: '/api/user/info', headers: { cookie } });
    expect(info.statusCode).toBe(502);
    expect(info.json().error).toBe('upstream_error');
    provider.hooks.down = false;
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).statusCode).toBe(200);
  });

  it('start login with Gatehouse down lands on a friendly error', async () => {
    provider.hooks.down = true;
    const start = await app.inject({ url: '/auth/oauth/start' });
    expect(start.headers.location).toBe('/?error=provider_unavailable');
  });

  it('logout revokes the refresh token and ends the session', async () => {
    const { cookie } = await login();
    const logout = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, origin: APP_URL },
    });
    expect(logout.statusCode).toBe(200);
    expect(String(logout.headers['set-cookie'])).toMatch(/demo_session=;/);
    const revocation = provider.requests.find((c) => c.url.pathname === '/api/oauth2/revoke');
    expect(revocation?.form.get('token')).toMatch(/^gth_rt_/);
    expect(revocation?.form.get('token_type_hint')).toBe('refresh_token');
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).statusCode).toBe(401);
    expect(sessions.size).toBe(0);
  });

  it('refuses cross-origin state-changing requests', async () => {
    const { cookie } = await login();
    const response = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, origin: 'https://evil.example.com' },
    });
    expect(response.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/user/info', headers: { cookie } })).statusCode).toBe(200);
  });

  it('serves the page, the popup callback page and the SDK browser module, with a strict CSP', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('One-click login');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const callback = await app.inject({ url: '/oauth/callback.html' });
    expect(callback.statusCode).toBe(200);
    const sdk = await app.inject({ url: '/sdk/index.js' });
    expect(sdk.statusCode).toBe(200);
    expect(sdk.headers['content-type']).toMatch(/javascript/);
    expect(sdk.body).toContain('loginWithPopup');
    expect((await app.inject({ url: '/sdk/index.js.map' })).statusCode).toBe(404);
  });

  it('unknown paths: a readable page for people, JSON under /api/, the CSP on both', async () => {
    for (const [method, url] of [
      ['GET', '/no-such-page'],
      ['GET', '/oauth/nothing?x=<b>'],
      ['POST', '/'],
    ] as const) {
      const response = await app.inject({ method, url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(response.body, url).toContain('<title>Page not found · Demo App</title>');
      expect(response.body, url).toContain('href="/styles.css"');
      expect(response.body, url).not.toMatch(/<script|<b>|Route /);
    }
    const api = await app.inject({ method: 'DELETE', url: '/api/user/info?token=x' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(api.json()).toEqual({
      error: 'not_found',
      error_description: 'there is no DELETE /api/user/info endpoint',
    });
  });

  it('the pages use only characters that Debian’s default fonts draw (icons beyond them are inline SVG)', () => {
    // Checked in Chromium screenshots with DejaVu and Liberation, the fonts a Debian desktop
    // starts with. U+FF0B (fullwidth plus) is not among them: it rendered as an empty box.
    const drawn = new Set(['·', '×', '—', '…', '↻', '⚡', '✓']);
    const root = fileURLToPath(new URL('../public/', import.meta.url));
    for (const name of ['index.html', 'oauth/callback.html', 'styles.css', 'app.js']) {
      const text = readFileSync(join(root, name), 'utf8');
      const others = [...new Set([...text].filter((c) => c.codePointAt(0)! > 0x7f && !drawn.has(c)))];
      expect(others, name).toEqual([]);
    }
    const index = readFileSync(join(root, 'index.html'), 'utf8');
    expect(index).toMatch(/<button id="topup"[^>]*>\s*<svg class="btn-icon" aria-hidden="true"/);
  });

  it('public files carry no secret and no inline script', () => {
    const root = fileURLToPath(new URL('../public/', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : [path];
      });
    for (const file of files(root)) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(DEVELOPMENT_CLIENT.clientSecret);
      expect(text).not.toMatch(/client_secret|gth_cs_/);
      if (file.endsWith('.html')) {
        for (const tag of text.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="/);
        expect(text).not.toMatch(/\son[a-z]+="/);
      }
    }
  });

  /** A Standard Webhooks delivery signed with `secret`, as Gatehouse sends it (API.md §15). */
  function delivery(
    secret: string,
    event: { id: string; type: string; data: Record<string, unknown> },
    sentAt = Math.floor(Date.now() / 1000),
  ) {
    const body = JSON.stringify({ ...event, created: sentAt });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${event.id}.${sentAt}.${body}`).digest('base64');
    return {
      method: 'POST' as const,
      url: WEBHOOK_PATH,
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(sentAt),
        'webhook-signature': `v1,${signature}`,
      },
      payload: body,
    };
  }

  const held = {
    id: 'evt_0123456789abcdef0123456789abcdef',
    type: 'charge.held',
    data: { object: 'charge', id: 'ch_abc', status: 'held' },
  };

  it('logs a webhook that verifies with its secret, shown to a signed-in page newest first; a redelivery is one entry', async () => {
    const secret = DEVELOPMENT_CLIENT.webhookSecret;
    expect((await app.inject(delivery(secret, held))).statusCode).toBe(204);
    const captured = { ...held, id: 'evt_fedcba9876543210fedcba9876543210', type: 'charge.captured' };
    expect((await app.inject(delivery(secret, captured))).statusCode).toBe(204);
    expect((await app.inject(delivery(secret, held))).statusCode).toBe(204);

    expect((await app.inject({ url: '/api/webhooks' })).statusCode).toBe(401);
    const { cookie } = await login();
    const log = await app.inject({ url: '/api/webhooks', headers: { cookie } });
    expect(log.statusCode).toBe(200);
    expect(log.json().events).toMatchObject([
      { id: held.id, type: 'charge.held', deliveries: 2, summary: 'ch_abc held' },
      { id: captured.id, type: 'charge.captured', deliveries: 1 },
    ]);
  });

  it('refuses a webhook with a wrong signature, another secret, or an old timestamp, and logs none', async () => {
    const forged = delivery(DEVELOPMENT_CLIENT.webhookSecret, held);
    forged.headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')}`;
    const tampered = delivery(DEVELOPMENT_CLIENT.webhookSecret, held);
    tampered.payload = tampered.payload.replace('held', 'captured');
    const other = delivery(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, held);
    const replayed = delivery(DEVELOPMENT_CLIENT.webhookSecret, held, Math.floor(Date.now() / 1000) - 3600);
    for (const attempt of [forged, tampered, other, replayed]) {
      const response = await app.inject(attempt);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_signature');
    }
    const { cookie } = await login();
    expect((await app.inject({ url: '/api/webhooks', headers: { cookie } })).json().events).toEqual([]);
  });

  it('verifies with DEMO_WEBHOOK_SECRET when set, and refuses a setting that is no whsec_ secret', async () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const config = loadConfig({
      GATEHOUSE_ISSUER: ISSUER,
      DEMO_APP_URL: APP_URL,
      DEMO_WEBHOOK_SECRET: secret,
    });
    expect(config.webhookSecret).toBe(secret);
    expect(loadConfig({}).webhookSecret).toBe(DEVELOPMENT_CLIENT.webhookSecret);
    // `pnpm start`: the secret the provider's seed gives the demo client's webhook.
    expect(DEVELOPMENT_CLIENT.webhookSecret).toBe(DEMO.webhookSecret);
    expect(() => loadConfig({ DEMO_WEBHOOK_SECRET: 'not-a-secret' })).toThrow(/DEMO_WEBHOOK_SECRET/);
    const own = await buildDemoApp({ config, fetch: provider.fetch });
    try {
      expect((await own.inject(delivery(secret, held))).statusCode).toBe(204);
      expect((await own.inject(delivery(DEVELOPMENT_CLIENT.webhookSecret, held))).statusCode).toBe(400);
    } finally {
      await own.close();
    }
  });

  it('keeps only the last events of the log', () => {
    const log = new WebhookLog(3);
    for (let i = 0; i < 5; i++) log.add({ id: `evt_${i}`, type: 'webhook.test', created: i, data: {} });
    expect(log.list().map((e) => e.id)).toEqual(['evt_4', 'evt_3', 'evt_2']);
  });
});
