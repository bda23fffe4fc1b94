import { Auth, type AuthConfig } from '@auth/core';
import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { CookieJar } from '@gatehouse/service-kit/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * Auth.js (`@auth/core`), unmodified, with a provider of `type: "oidc"` given nothing but
 * `issuer`, `clientId` and `clientSecret`: discovery, PKCE, the ID token as the profile.
 */
describe('end to end with Auth.js (type "oidc")', () => {
  let stack: RunningStack;
  let authConfig: AuthConfig;
  const appOrigin = 'http://localhost:4997';
  const user = { username: 'amelia', password: 'correct horse battery staple' };
  const clientId = 'gh_authjs_client';
  const clientSecret = 'gth_cs_authjs-secret-0123456789abcdefghijklmnopqr';

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.stores.db.users.create({
      username: user.username,
      email: 'amelia@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Auth.js App',
      redirectUris: [`${appOrigin}/auth/callback/gatehouse`],
    });
    authConfig = {
      basePath: '/auth',
      secret: 'an-auth-js-secret-for-this-test-0123456789',
      trustHost: true,
      logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
      providers: [
        { id: 'gatehouse', name: 'Gatehouse', type: 'oidc', issuer: stack.origin, clientId, clientSecret },
      ],
    };
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** A request to the app from a browser whose cookies for the app's origin are `jar`. */
  async function app(jar: CookieJar, path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path, appOrigin);
    const headers = new Headers(init.headers);
    headers.set('cookie', jar.header(url) ?? '');
    const response = await Auth(new Request(url, { ...init, headers }), authConfig);
    for (const line of response.headers.getSetCookie()) jar.store(line, url);
    return response;
  }

  it('signs a user in and shows their name and email in the Auth.js session', async () => {
    const jar = new CookieJar();
    const { csrfToken } = (await (await app(jar, '/auth/csrf')).json()) as { csrfToken: string };
    const signIn = await app(jar, '/auth/signin/gatehouse', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${appOrigin}/` }).toString(),
    });
    expect(signIn.status).toBe(302);
    const authorization = new URL(signIn.headers.get('location')!);
    expect(authorization.origin).toBe(stack.origin);
    expect(authorization.searchParams.get('scope')).toBe('openid profile email');

    const { callback } = await authorizeAsUser(
      new HttpBrowser(stack.origin),
      authorization.pathname + authorization.search,
      user,
    );
    expect(callback.origin).toBe(appOrigin);
    const finished = await app(jar, callback.pathname + callback.search);
    expect(finished.status).toBe(302);
    expect(finished.headers.get('location')).toBe(`${appOrigin}/`);

    const session = (await (await app(jar, '/auth/session')).json()) as {
      user?: { name?: string; email?: string };
    };
    expect(session.user).toEqual({ name: user.username, email: 'amelia@example.com' });
  });
});
