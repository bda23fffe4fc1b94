import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const world = useAuthorizeApp();

function formAction(response: LightMyRequestResponse): string | undefined {
  return String(response.headers['content-security-policy'])
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('form-action'));
}

describe('CSP form-action (SEC-37)', () => {
  it("is 'self' on pages whose forms stay on our origin", async () => {
    const browser = new Browser(world.app);
    expect(formAction(await browser.get('/login'))).toBe("form-action 'self'");
    expect(formAction(await browser.get('/signup'))).toBe("form-action 'self'");
    const user = await seedUser(world.stores);
    await browser.login(user.username);
    expect(formAction(await browser.get('/account'))).toBe("form-action 'self'");
  });

  it('adds the registered redirect origin on the consent page, and only that one', async () => {
    const seeded = await seedClient(world.stores, {
      redirectUris: ['https://wallet.example.com/oauth/cb', 'https://other.example.net/cb'],
    });
    const browser = new Browser(world.app);
    await browser.login((await seedUser(world.stores)).username);
    const consent = await browser.get(authorizePath(authorizeParams(seeded)));
    expect(consent.statusCode).toBe(200);
    expect(formAction(consent)).toBe("form-action 'self' https://wallet.example.com");
  });

  it('adds it on the login and sign-up pages of an authorization request, never for an unregistered URI', async () => {
    const seeded = await seedClient(world.stores, { redirectUris: ['https://wallet.example.com/oauth/cb'] });
    const returnTo = (redirect_uri: string) =>
      encodeURIComponent(authorizePath(authorizeParams(seeded, { redirect_uri })));
    const browser = new Browser(world.app);
    const good = returnTo('https://wallet.example.com/oauth/cb');
    expect(formAction(await browser.get(`/login?return_to=${good}`))).toBe(
      "form-action 'self' https://wallet.example.com",
    );
    expect(formAction(await browser.get(`/signup?return_to=${good}`))).toBe(
      "form-action 'self' https://wallet.example.com",
    );
    const bad = returnTo('https://evil.example.org/cb');
    expect(formAction(await browser.get(`/login?return_to=${bad}`))).toBe("form-action 'self'");
  });
});
