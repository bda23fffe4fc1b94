import { type CacheStores, type DurableStores, type Stores, StoreUnavailableError } from '@gatehouse/core';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  buildApp,
  hiddenField,
  ISSUER,
  locationQuery,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from './testing/harness.js';

const world = useAuthorizeApp({ production: true });

/** Real stores with one part replaced by a failing one (fault injection, not a mock of the data). */
function withFailure<T extends object>(target: T, part: keyof T, replacement: object): T {
  return new Proxy(target, { get: (t, prop) => (prop === part ? replacement : Reflect.get(t, prop)) });
}

const unavailable = async () => {
  throw new StoreUnavailableError('cache', { cause: new Error('connect ECONNREFUSED 10.0.0.9:6379') });
};

async function pages(): Promise<Record<string, LightMyRequestResponse>> {
  const user = await seedUser(world.stores);
  const seeded = await seedClient(world.stores);
  const browser = new Browser(world.app);
  const login = await browser.get('/login');
  await browser.login(user.username);
  return {
    login,
    consent: await browser.get(authorizePath(authorizeParams(seeded))),
    error: await browser.get(authorizePath(authorizeParams(seeded, { client_id: 'gh_unknown' }))),
    account: await browser.get('/account'),
  };
}

describe('SECURITY 18: security headers on pages', () => {
  it('login, consent, error and account pages: strict CSP without script, frame-ancestors none, XFO DENY, no-referrer', async () => {
    const all = await pages();
    expect(all.consent!.statusCode).toBe(200);
    expect(all.error!.statusCode).toBe(400);
    for (const [name, response] of Object.entries(all)) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("script-src 'none'");
      expect(csp, name).toContain("default-src 'none'");
      expect(csp, name).not.toContain('unsafe-inline');
      expect(response.headers['x-frame-options'], name).toBe('DENY');
      expect(response.headers['referrer-policy'], name).toBe('no-referrer');
      expect(response.headers['cache-control'], name).toBe('no-store');
      expect(response.headers['x-content-type-options'], name).toBe('nosniff');
      expect(response.body, name).not.toMatch(/<script|\son[a-z]+=/i);
      // Popup login (the integration guide's callback.html) needs window.opener to survive.
      expect(response.headers['cross-origin-opener-policy'], name).toBe('unsafe-none');
    }
  });

  it('sends HSTS in production only', async () => {
    expect((await world.app.inject('/login')).headers['strict-transport-security']).toBeUndefined();
    const hsts = (await world.production.inject('/login')).headers['strict-transport-security'];
    expect(String(hsts)).toMatch(/max-age=\d{7,}/);
  });

  it('serves the stylesheet the pages link to', async () => {
    const login = await world.app.inject('/login');
    expect(login.body).toContain('href="/assets/gatehouse.css"');
    const css = await world.app.inject('/assets/gatehouse.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toContain('.card');
  });
});

describe('SECURITY 8: no CORS headers on pages', () => {
  // /.well-known/* is the one exception, readable by any origin (SEC-55, well-known-cors.test.ts).
  it('never answers with Access-Control-* headers, preflight included', async () => {
    const origin = { origin: 'https://evil.example' };
    const responses = [
      await world.app.inject({ url: '/login', headers: origin }),
      await world.app.inject({ url: '/account', headers: origin }),
      await world.app.inject({
        method: 'OPTIONS',
        url: '/login',
        headers: { ...origin, 'access-control-request-method': 'POST' },
      }),
      await world.app.inject({ method: 'POST', url: '/login', headers: origin, payload: {} }),
    ];
    for (const response of responses) {
      expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('describes the server with endpoints under the issuer', async () => {
    const response = await world.app.inject('/.well-known/oauth-authorization-server');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/api/oauth2/authorize`,
      token_endpoint: `${ISSUER}/api/oauth2/token`,
      revocation_endpoint: `${ISSUER}/api/oauth2/revoke`,
      introspection_endpoint: `${ISSUER}/api/oauth2/introspect`,
      userinfo_endpoint: `${ISSUER}/api/oauth2/userinfo`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      device_authorization_endpoint: `${ISSUER}/api/oauth2/device_authorization`,
      scopes_supported: ['openid', 'profile', 'email', 'balance', 'charge'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
    });
    const prod = (await world.production.inject('/.well-known/oauth-authorization-server')).json();
    expect(prod.issuer).toBe('https://id.example.com');
    expect(prod.token_endpoint).toBe('https://id.example.com/api/oauth2/token');
  });
});

describe('SECURITY 27, 29: failures', () => {
  it('a store outage shows a friendly 503 page (no details, no Location)', async () => {
    const failing: Stores = {
      db: world.stores.db,
      cache: withFailure<CacheStores>(world.stores.cache, 'sessions', {
        get: unavailable,
        put: unavailable,
        take: unavailable,
        delete: unavailable,
      }),
    };
    const broken = await buildApp(failing);
    try {
      const user = await seedUser(world.stores);
      const browser = new Browser(broken);
      const form = await browser.get('/login');
      const response = await browser.post('/login', {
        username: user.username,
        password: 'correct horse battery staple',
        _csrf: hiddenField(form.body, '_csrf'),
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body).toContain('temporarily unavailable');
      expect(response.body).not.toContain('ECONNREFUSED');
      expect(browser.cookies.has('gh_session')).toBe(false);
    } finally {
      await broken.close();
    }
  });

  it('an outage after the client is known is reported to it as temporarily_unavailable (RFC 6749 §4.1.2.1)', async () => {
    const user = await seedUser(world.stores);
    const seeded = await seedClient(world.stores);
    const failing: Stores = {
      db: withFailure<DurableStores>(world.stores.db, 'grants', {
        find: async () => {
          throw new StoreUnavailableError('database');
        },
      }),
      cache: world.stores.cache,
    };
    const broken = await buildApp(failing);
    try {
      const browser = new Browser(broken);
      await browser.login(user.username);
      const params = authorizeParams(seeded);
      const response = await browser.get(authorizePath(params));
      expect(response.statusCode).toBe(302);
      expect(locationQuery(response)).toMatchObject({
        error: 'temporarily_unavailable',
        state: params.state,
        iss: ISSUER,
      });
    } finally {
      await broken.close();
    }
  });

  it('an unexpected error is a generic 500 page without internals', async () => {
    const failing: Stores = {
      db: withFailure<DurableStores>(world.stores.db, 'clients', {
        findByClientId: async () => {
          throw new Error('relation "clients" does not exist: SELECT client_secret FROM clients');
        },
      }),
      cache: world.stores.cache,
    };
    const broken = await buildApp(failing);
    try {
      const response = await broken.inject(
        authorizePath({ client_id: 'gh_x', redirect_uri: 'https://a.example/cb' }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toContain('Something went wrong');
      expect(response.body).not.toMatch(/SELECT|client_secret|relation|at .*\.ts/);
    } finally {
      await broken.close();
    }
  });
});
