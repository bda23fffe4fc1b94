/**
 * A single-page app without a server, in real Chromium: a static page on another loopback
 * origin, registered as a public client, signs in with PKCE and no secret, then calls the
 * token endpoint, userinfo and the top-up link through CORS, refreshes and revokes (API.md §11).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { randomId } from '@gatehouse/core';
import { freePort } from '@gatehouse/stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtProvider, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

/** The whole app: one page, no server code, no secret. */
function spaPage(provider: string, clientId: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>SPA</title></head><body>
<h1>Wallet SPA</h1><button id="login">Sign in with Gatehouse</button><pre id="out"></pre>
<script type="module">
const provider = ${JSON.stringify(provider)};
const clientId = ${JSON.stringify(clientId)};
const redirectUri = location.origin + '/cb';
const out = document.getElementById('out');
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
document.getElementById('login').onclick = async () => {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state }));
  location.href = provider + '/api/oauth2/authorize?' + new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'profile balance',
    state, code_challenge: challenge, code_challenge_method: 'S256' });
};
const form = (body) => ({ method: 'POST', body: new URLSearchParams({ client_id: clientId, ...body }) });
if (location.pathname === '/cb') {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem('pkce'));
  const result = { state_ok: params.get('state') === saved.state };
  const token = await (await fetch(provider + '/api/oauth2/token', form({ grant_type: 'authorization_code',
    code: params.get('code'), redirect_uri: redirectUri, code_verifier: saved.verifier }))).json();
  const auth = { headers: { authorization: 'Bearer ' + token.access_token } };
  result.username = (await (await fetch(provider + '/api/oauth2/userinfo', auth)).json()).username;
  result.topup = (await (await fetch(provider + '/api/oauth2/topup', auth)).json()).topup_url;
  const refreshed = await (await fetch(provider + '/api/oauth2/token', form({ grant_type: 'refresh_token',
    refresh_token: token.refresh_token }))).json();
  result.rotated = typeof refreshed.refresh_token === 'string' && refreshed.refresh_token !== token.refresh_token;
  result.revoke_status = (await fetch(provider + '/api/oauth2/revoke', form({ token: refreshed.refresh_token }))).status;
  const after = await fetch(provider + '/api/oauth2/token', form({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token }));
  result.after_revoke = (await after.json()).error;
  out.textContent = JSON.stringify(result);
}
</script></body></html>`;
}

/** The SDK's browser public-client mode, served as the one module it is. */
const SDK_MODULE = fileURLToPath(
  new URL('../../packages/sdk/dist/browser/public-client.js', import.meta.url),
);

function sdkPage(provider: string, clientId: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>SDK SPA</title></head><body>
<h1>SDK SPA</h1><button id="login">Sign in</button><pre id="out"></pre>
<script type="module">
import { GatehousePublicClient } from '/sdk/public-client.js';
const gatehouse = new GatehousePublicClient({ issuer: ${JSON.stringify(provider)}, clientId: ${JSON.stringify(clientId)},
  redirectUri: location.origin + '/sdk-spa/cb', scope: 'profile balance' });
document.getElementById('login').onclick = () => gatehouse.login();
if (location.pathname === '/sdk-spa/cb') {
  await gatehouse.handleCallback();
  const result = { username: (await gatehouse.userinfo()).username, balance: (await gatehouse.balance()).amount };
  result.topup = await gatehouse.topupUrl();
  const before = (await gatehouse.refresh()).refreshToken;
  result.refreshed = typeof before === 'string';
  await gatehouse.revoke();
  result.signed_in_after_revoke = gatehouse.signedIn;
  document.getElementById('out').textContent = JSON.stringify(result);
}
</script></body></html>`;
}

describe.skipIf(SKIP_BROWSER)('a browser app registered as a public client (Chromium)', () => {
  const suite = useSuite();
  let server: Server;
  let spa: string;
  const clientId = `gh_spa_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;

  beforeAll(async () => {
    const port = await freePort();
    spa = `http://127.0.0.1:${port}`;
    server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', spa).pathname;
      const html = { 'content-type': 'text/html; charset=utf-8' };
      if (path === '/' || path === '/cb') {
        return response.writeHead(200, html).end(spaPage(suite.world.provider, clientId));
      }
      if (path === '/sdk-spa' || path === '/sdk-spa/cb') {
        return response.writeHead(200, html).end(sdkPage(suite.world.provider, clientId));
      }
      if (path === '/sdk/public-client.js') {
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(SDK_MODULE));
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await suite.world.stack.stores.db.clients.create({
      clientId,
      secretHash: null,
      name: 'Wallet SPA',
      redirectUris: ['http://127.0.0.1/cb', 'http://127.0.0.1/sdk-spa/cb'],
      allowedOrigins: [spa],
      allowedScopes: ['profile', 'balance'],
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('signs in with PKCE, reads userinfo and the top-up link through CORS, refreshes and revokes', async () => {
    const s = await suite.open('spa-public-client');
    const user = await suite.world.seedUser('sally');
    const page = await s.newPage();
    await page.goto(spa);
    await page.getByRole('button', { name: 'Sign in with Gatehouse' }).click();
    await signInAtProvider(s, page, user, 'spa-provider-login');
    await waitForPath(page, suite.world.provider, '/api/oauth2/authorize');
    expect(await page.content()).toContain('running on your device or in your browser');
    await s.shot(page, 'spa-consent');
    await page.getByRole('button', { name: 'Allow access' }).click();
    await waitForPath(page, spa, '/cb');
    await page.locator('#out').filter({ hasText: 'after_revoke' }).waitFor();
    const result = JSON.parse((await page.locator('#out').textContent()) ?? '{}');
    await s.shot(page, 'spa-done');
    expect(result).toMatchObject({
      state_ok: true,
      username: user.username,
      rotated: true,
      revoke_status: 200,
      after_revoke: 'invalid_grant',
    });
    expect(result.topup).toMatch(new RegExp(`^${suite.world.provider}/topup\\?`));
  });

  it('does the same through the SDK browser mode (GatehousePublicClient)', async () => {
    const s = await suite.open('spa-sdk-public-client');
    const user = await suite.world.seedUser('sam');
    const page = await s.newPage();
    await page.goto(`${spa}/sdk-spa`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(s, page, user, 'sdk-spa-provider-login');
    await waitForPath(page, suite.world.provider, '/api/oauth2/authorize');
    await page.getByRole('button', { name: 'Allow access' }).click();
    await waitForPath(page, spa, '/sdk-spa/cb');
    await page.locator('#out').filter({ hasText: 'signed_in_after_revoke' }).waitFor();
    const result = JSON.parse((await page.locator('#out').textContent()) ?? '{}');
    await s.shot(page, 'sdk-spa-done');
    expect(result).toMatchObject({
      username: user.username,
      balance: '750.00',
      refreshed: true,
      signed_in_after_revoke: false,
    });
    expect(result.topup).toMatch(new RegExp(`^${suite.world.provider}/topup\\?`));
  });
});
