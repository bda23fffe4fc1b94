import { describe, expect, it } from 'vitest';
import { type Browser, hiddenField, useAuthorizeApp } from '../../testing/harness.js';
import { csrfOf, signedInBrowser, textOf } from '../../testing/people.js';

const world = useAuthorizeApp();

async function register(browser: Browser, form: Record<string, string>) {
  const page = await browser.get('/console/apps/new');
  return browser.post('/console/apps', {
    ...form,
    _csrf: csrfOf(page, '/console/apps'),
    form_id: hiddenField(page.body, 'form_id', '/console/apps'),
  });
}

const deviceApp = {
  name: 'Terminal Tool',
  description: 'A command-line tool that shows your balance.',
  kind: 'device',
  redirect_uris: 'http://127.0.0.1/callback\ncom.example.tool:/cb',
  allowed_origins: 'http://127.0.0.1:5173',
  device_grant_enabled: 'true',
};

describe('the console offers "has a server" or "runs in the browser / on a device" (SEC-50)', () => {
  it('shows the choice, with "has a server" selected', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const page = await browser.get('/console/apps/new');
    expect(page.body).toContain('It has a server');
    expect(page.body).toContain('It runs in the browser or on a device');
    expect(page.body).toMatch(/name="kind" value="server" checked/);
  });

  it('registers a public client: no secret is made or shown, and it cannot be rotated', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const response = await register(browser, deviceApp);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).not.toMatch(/gth_cs_/);
    expect(response.body).toContain('has no client secret');
    const [client] = await world.stores.db.clients.listByOwner(user.id);
    expect(client).toMatchObject({
      tokenEndpointAuthMethod: 'none',
      secretHash: null,
      redirectUris: ['http://127.0.0.1/callback', 'com.example.tool:/cb'],
      allowedOrigins: ['http://127.0.0.1:5173'],
      deviceGrantEnabled: true,
    });
    const appPage = await browser.get(`/console/apps/${client!.id}`);
    expect(appPage.body).not.toContain('Rotate secret now');
    const edit = await browser.get(`/console/apps/${client!.id}/edit`);
    expect(edit.body).toContain('public client, no secret');
    const rotate = await browser.post(`/console/apps/${client!.id}/secret`, {
      _csrf: csrfOf(edit, `/console/apps/${client!.id}`),
    });
    expect(rotate.statusCode).toBe(400);
  });

  it('refuses web origins and private-use schemes for an app with a server', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const response = await register(browser, { ...deviceApp, kind: 'server' });
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body, 'redirect_uris-error')).toMatch(/com\.example\.tool/);
    expect(textOf(response.body, 'allowed_origins-error')).toMatch(/without a server/);
    expect(await world.stores.db.clients.listByOwner(user.id)).toEqual([]);
  });
});
