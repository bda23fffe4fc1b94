import { s256 } from '@gatehouse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeParams,
  authorizePath,
  Browser,
  hiddenField,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const world = useAuthorizeApp();
let browser: Browser;

beforeAll(async () => {
  const user = await seedUser(world.stores);
  browser = new Browser(world.app);
  expect((await browser.login(user.username)).statusCode).toBe(303);
});

const pkce = { code_challenge: s256('p'.repeat(43)), code_challenge_method: 'S256' };

describe('native clients with loopback redirects (RFC 8252 §7.3, SEC-51)', () => {
  it('a public client registered at http://127.0.0.1/cb completes the flow on a port it picked', async () => {
    const native = await seedClient(world.stores, { public: true, redirectUris: ['http://127.0.0.1/cb'] });
    const redirectUri = 'http://127.0.0.1:49152/cb';
    const consent = await browser.get(
      authorizePath(authorizeParams(native, { redirect_uri: redirectUri, ...pkce })),
    );
    expect(consent.statusCode, consent.body).toBe(200);
    expect(consent.body).toContain('running on your device or in your browser');
    const decision = await browser.post('/api/oauth2/authorize', {
      request_id: hiddenField(consent.body, 'request_id'),
      decision: 'approve',
      _csrf: hiddenField(consent.body, '_csrf'),
    });
    expect(decision.statusCode).toBe(303);
    const location = new URL(decision.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('a confidential client with the same registration gets exact matching only (SEC-01)', async () => {
    const server = await seedClient(world.stores, { redirectUris: ['http://127.0.0.1/cb'] });
    const response = await browser.get(
      authorizePath(authorizeParams(server, { redirect_uri: 'http://127.0.0.1:49152/cb', ...pkce })),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('localhost gets no port freedom, even for public clients', async () => {
    const native = await seedClient(world.stores, { public: true, redirectUris: ['http://localhost/cb'] });
    const response = await browser.get(
      authorizePath(authorizeParams(native, { redirect_uri: 'http://localhost:49152/cb', ...pkce })),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  it("another client's loopback registration is no use to a client that did not register it", async () => {
    await seedClient(world.stores, { public: true, redirectUris: ['http://127.0.0.1/cb'] });
    const other = await seedClient(world.stores, { public: true, redirectUris: ['http://127.0.0.1/other'] });
    const response = await browser.get(
      authorizePath(authorizeParams(other, { redirect_uri: 'http://127.0.0.1:5000/cb', ...pkce })),
    );
    expect(response.statusCode).toBe(400);
  });

  it('public clients must send PKCE even on a loopback redirect (SEC-50)', async () => {
    const native = await seedClient(world.stores, { public: true, redirectUris: ['http://127.0.0.1/cb'] });
    const response = await browser.get(
      authorizePath(authorizeParams(native, { redirect_uri: 'http://127.0.0.1:5000/cb' })),
    );
    expect(response.statusCode).toBe(302);
    expect(new URL(response.headers.location as string).searchParams.get('error')).toBe('invalid_request');
  });

  it('the consent page of a confidential client does not carry the device wording', async () => {
    const server = await seedClient(world.stores);
    const consent = await browser.get(authorizePath(authorizeParams(server)));
    expect(consent.statusCode).toBe(200);
    expect(consent.body).not.toContain('running on your device');
  });
});
