import { randomId, sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowser, readInputs } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The device authorization grant (RFC 8628, SEC-56) end to end over HTTP: a CLI and a browser. */
describe('device authorization grant', () => {
  let stack: RunningStack;
  const cli = `gh_cli_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const username = `dev_${randomId(4).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const password = 'device-password-1';

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.stores.db.users.create({
      username,
      email: `${username}@example.com`,
      passwordHash: await hashPassword(password),
    });
    await stack.stores.db.clients.create({
      clientId: cli,
      secretHash: null,
      name: 'Terminal Tool',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['profile', 'balance'],
      deviceGrantEnabled: true,
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const post = async (path: string, body: Record<string, string>) => {
    const response = await fetch(`${stack.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const start = () => post('/api/oauth2/device_authorization', { client_id: cli, scope: 'profile balance' });
  const poll = (deviceCode: string) =>
    post('/api/oauth2/token', { grant_type: GRANT, device_code: deviceCode, client_id: cli });

  async function signedIn(): Promise<HttpBrowser> {
    const browser = new HttpBrowser(stack.origin);
    const toLogin = await browser.request('/device');
    expect(toLogin.status).toBe(302);
    const loginPath = toLogin.headers.get('location')!;
    const fields = readInputs(await (await browser.request(loginPath)).text());
    const login = await browser.request(loginPath, { form: { ...fields, username, password } });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/device');
    return browser;
  }

  async function decide(browser: HttpBrowser, userCode: string, decision: 'approve' | 'deny') {
    const entry = readInputs(await (await browser.request(`/device?user_code=${userCode}`)).text());
    expect(entry.user_code).toBe(userCode);
    const consent = await browser.request('/device', { form: entry });
    const html = await consent.text();
    expect(consent.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain('Only continue if you started this on your own device');
    expect(html).toContain('Terminal Tool');
    const done = await browser.request('/device/decision', { form: { ...readInputs(html), decision } });
    expect(done.status).toBe(200);
  }

  it('answers the RFC 8628 fields, with a hashed 256-bit device code and an XXXX-XXXX user code', async () => {
    const { status, body } = await start();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      verification_uri: `${stack.origin}/device`,
      expires_in: 600,
      interval: 5,
    });
    expect(body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(body.verification_uri_complete).toBe(`${stack.origin}/device?user_code=${body.user_code}`);
    expect(body.device_code).toMatch(/^gth_dc_[A-Za-z0-9_-]{43}$/);
    const stored = await stack.stores.cache.deviceGrants.findByUserCode(
      (body.user_code as string).replace('-', ''),
    );
    expect(stored?.deviceCodeHash).toBe(sha256Hex(body.device_code as string));
  });

  it('polls pending, then slow_down when polled again at once, approved or not', async () => {
    const { body } = await start();
    const deviceCode = body.device_code as string;
    expect(await poll(deviceCode)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    expect(await poll(deviceCode)).toMatchObject({ status: 400, body: { error: 'slow_down' } });

    await decide(await signedIn(), body.user_code as string, 'approve');

    // Polled again at once, this is still too fast; the store remembers the grown interval.
    expect(await poll(deviceCode)).toMatchObject({ body: { error: 'slow_down' } });
  });

  it('gives the device its tokens once the user approved, and never a second time', async () => {
    const { body } = await start();
    const deviceCode = body.device_code as string;
    await decide(await signedIn(), body.user_code as string, 'approve');
    const tokens = await poll(deviceCode);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'profile balance' });
    const info = await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(((await info.json()) as { username: string }).username).toBe(username);
    expect(await poll(deviceCode)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers access_denied after a denial', async () => {
    const { body } = await start();
    await decide(await signedIn(), body.user_code as string, 'deny');
    expect(await poll(body.device_code as string)).toMatchObject({
      status: 400,
      body: { error: 'access_denied' },
    });
  });

  it('answers expired_token for a device code past its life', async () => {
    const deviceCode = `gth_dc_${randomId(32)}`;
    const client = await stack.stores.db.clients.findByClientId(cli);
    await stack.stores.cache.deviceGrants.create(
      sha256Hex(deviceCode),
      {
        clientId: client!.id,
        clientPublicId: cli,
        scopes: ['profile'],
        userCode: 'BBBBCCCC',
        expiresAt: Date.now() - 1,
      },
      5,
      60,
    );
    expect(await poll(deviceCode)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
  });

  it('refuses clients without the device grant, and unknown device codes', async () => {
    const other = `gh_nodev_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
    await stack.stores.db.clients.create({
      clientId: other,
      secretHash: null,
      name: 'No device',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    expect(await post('/api/oauth2/device_authorization', { client_id: other })).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    });
    expect(await poll(`gth_dc_${randomId(32)}`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('throttles wrong user codes per session', async () => {
    const browser = await signedIn();
    const fields = readInputs(await (await browser.request('/device')).text());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (await browser.request('/device', { form: { ...fields, user_code: 'ZZZZ-ZZZZ' } })).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('advertises the endpoint and the grant type in the metadata', async () => {
    const metadata = (await (
      await fetch(`${stack.origin}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.device_authorization_endpoint).toBe(`${stack.origin}/api/oauth2/device_authorization`);
    expect(metadata.grant_types_supported).toContain(GRANT);
  });
});
