/**
 * The integration guide's browser-side exchange, in real Chromium: a page posts the code with
 * a confidential client's secret to the token endpoint (a form-encoded POST, which needs no
 * CORS preflight). Gatehouse refuses it before the code is spent (API.md §11, SEC-54): the page
 * cannot read an answer, and the same code still works from the app's server afterwards.
 */
import { createServer, type Server } from 'node:http';
import { randomId, randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { freePort } from '@gatehouse/stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtProvider, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

/** What the guide's browser snippet does: the secret is in the page. */
function guidePage(provider: string, clientId: string, clientSecret: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Guide page</title></head><body>
<h1>Guide-style app</h1><a id="login" href="#">Sign in</a><pre id="out"></pre>
<script type="module">
const provider = ${JSON.stringify(provider)};
const redirectUri = location.origin + '/oauth/callback';
document.getElementById('login').onclick = (event) => {
  event.preventDefault();
  sessionStorage.setItem('state', 'st-' + Math.random().toString(36).slice(2));
  location.href = provider + '/api/oauth2/authorize?' + new URLSearchParams({ response_type: 'code',
    client_id: ${JSON.stringify(clientId)}, redirect_uri: redirectUri, scope: 'profile', state: sessionStorage.getItem('state') });
};
if (location.pathname === '/oauth/callback') {
  const code = new URLSearchParams(location.search).get('code');
  const result = { code };
  try {
    const response = await fetch(provider + '/api/oauth2/token', { method: 'POST', body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri,
      client_id: ${JSON.stringify(clientId)}, client_secret: ${JSON.stringify(clientSecret)} }) });
    result.read = await response.text();
  } catch (error) {
    result.fetch_failed = String(error);
  }
  document.getElementById('out').textContent = JSON.stringify(result);
}
</script></body></html>`;
}

describe.skipIf(SKIP_BROWSER)('a confidential client called from a browser page (Chromium)', () => {
  const suite = useSuite();
  let server: Server;
  let origin: string;
  const clientId = `gh_guide_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const clientSecret = randomToken(TOKEN_PREFIX.clientSecret);
  const requests: { method: string; body: string | null }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', origin).pathname;
      if (path === '/' || path === '/oauth/callback') {
        return response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(guidePage(suite.world.provider, clientId, clientSecret));
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await suite.world.stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Guide-style App',
      redirectUris: [`${origin}/oauth/callback`],
      allowedScopes: ['profile'],
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is refused before the code is spent; the page reads nothing; the code then works from the server', async () => {
    const s = await suite.open('browser-secret-refused');
    const user = await suite.world.seedUser('guide');
    const page = await s.newPage();
    page.on('request', (request) => {
      if (request.url() === `${suite.world.provider}/api/oauth2/token`) {
        requests.push({ method: request.method(), body: request.postData() });
      }
    });
    await page.goto(origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInAtProvider(s, page, user);
    await waitForPath(page, suite.world.provider, '/api/oauth2/authorize');
    await page.getByRole('button', { name: 'Allow access' }).click();
    await waitForPath(page, origin, '/oauth/callback');
    await page.locator('#out').filter({ hasText: 'code' }).waitFor();
    const result = JSON.parse((await page.locator('#out').textContent()) ?? '{}');
    await s.shot(page, 'guide-page-refused');

    // The browser sent it, secret and all, without a preflight; the answer carries no CORS
    // header for a confidential client, so the page's fetch fails.
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.body).toContain(`client_secret=${clientSecret}`);
    expect(result.read).toBeUndefined();
    expect(result.fetch_failed).toMatch(/TypeError/);
    // The only console errors are the refusal and the CORS block, both on the page's origin.
    for (const problem of s.problems) {
      expect(problem.page.startsWith(`${origin}/oauth/callback`), JSON.stringify(problem)).toBe(true);
    }
    // Chromium sent it cross-origin (with an Origin header) and found no CORS header on the answer.
    expect(
      s.problems.some((p) => p.text.includes(`from origin '${origin}' has been blocked by CORS policy`)),
    ).toBe(true);

    // What the refusal said, as the server saw it (replayed with the same Origin, same code).
    const replay = await fetch(`${suite.world.provider}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: result.code,
        redirect_uri: `${origin}/oauth/callback`,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('access-control-allow-origin')).toBeNull();
    expect(await replay.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('this client has a secret and must call from its server'),
    });

    // The app's server (no Origin) exchanges the very same code.
    const fromServer = await fetch(`${suite.world.provider}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: result.code,
        redirect_uri: `${origin}/oauth/callback`,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(fromServer.status).toBe(200);
    expect(await fromServer.json()).toMatchObject({ access_token: expect.stringMatching(/^gth_at_/) });
  }, 60_000);
});
