import { readRefreshToken, s256, sha256Hex } from '@gatehouse/core';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  Browser,
  hiddenField,
  ISSUER,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../../testing/harness.js';
import {
  csrfOf,
  expectPageHeaders,
  grantAndIssue,
  signedInBrowser,
  textOf,
  tokensAlive,
  unescapeHtml,
} from '../../testing/people.js';

const world = useAuthorizeApp({ production: true });

const SECRET = /gth_cs_[A-Za-z0-9_-]{43}/g;

const validApp = {
  name: 'Hello App',
  description: 'Says hello with your name.',
  homepage_url: 'https://hello.example.com',
  redirect_uris: 'https://hello.example.com/oauth/callback\r\nhttp://localhost:3001/callback\r\n',
};

async function register(browser: Browser, form: Record<string, string>): Promise<LightMyRequestResponse> {
  const page = await browser.get('/console/apps/new');
  return browser.post('/console/apps', {
    ...form,
    _csrf: csrfOf(page, '/console/apps'),
    form_id: hiddenField(page.body, 'form_id', '/console/apps'),
  });
}

/** Registers an app through the console; returns it and the secret the page showed. */
async function registered(browser: Browser, userId: number) {
  const response = await register(browser, validApp);
  expect(response.statusCode).toBe(200);
  const [client] = (await world.stores.db.clients.listByOwner(userId)).slice(-1);
  return { response, client: client!, secret: response.body.match(SECRET)![0]! };
}

describe('signed out', () => {
  it.each([
    '/console',
    '/console/apps/new',
    '/console/apps/1',
    '/console/apps/1/edit',
    '/console/apps/1/try?scope=profile',
  ])('%s → /login?return_to=…', async (path) => {
    const response = await new Browser(world.app).get(path);
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`/login?return_to=${encodeURIComponent(path)}`);
  });
});

describe('GET /console', () => {
  it('starts empty, with a way to register an app', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const page = await browser.get('/console');
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'console');
    expect(page.body).toContain('You have not registered any app yet');
    expect(page.body).toContain('href="/console/apps/new"');
    expect(page.body).toContain('href="/console" aria-current="page"');
  });

  it('lists only your own apps, with their client_id and how many people authorized each', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const mine = await seedClient(world.stores, { ownerUserId: user.id });
    const theirs = await seedClient(world.stores, { ownerUserId: (await seedUser(world.stores)).id });
    for (let i = 0; i < 2; i++) await grantAndIssue(world.stores, await seedUser(world.stores), mine.client);
    const page = await browser.get('/console');
    expect(page.body).toContain(mine.client.name);
    expect(page.body).toContain(mine.client.clientId);
    expect(page.body).toContain('2 people have authorized it');
    expect(page.body).not.toContain(theirs.client.clientId);
  });
});

describe('registering an app', () => {
  it('shows a labelled form', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const page = await browser.get('/console/apps/new');
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'new app');
    for (const name of ['name', 'description', 'homepage_url', 'redirect_uris']) {
      expect(page.body).toContain(`<label for="${name}">`);
    }
  });

  it('creates the app and shows the client secret once, rendered from the POST; only its hash is stored', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { response, client, secret } = await registered(browser, user.id);
    expect(response.headers.location).toBeUndefined();
    expect(response.body.match(SECRET)).toHaveLength(1);
    expect(textOf(response.body, 'client-secret')).toBe(secret);
    expect(response.body).toContain(client.clientId);
    expect(String(response.headers['set-cookie'] ?? '')).not.toContain(secret);
    expect(client).toMatchObject({
      name: 'Hello App',
      description: 'Says hello with your name.',
      homepageUrl: 'https://hello.example.com',
      redirectUris: ['https://hello.example.com/oauth/callback', 'http://localhost:3001/callback'],
      allowedScopes: ['openid', 'profile', 'email', 'balance'],
      ownerUserId: user.id,
      trusted: false,
    });
    expect(client.secretHash).toBe(sha256Hex(secret));

    const again = await browser.get(`/console/apps/${client.id}`);
    expect(again.statusCode).toBe(200);
    expectPageHeaders(again, 'app page');
    expect(again.body.match(SECRET)).toBeNull();
    expect(again.body).toContain(client.clientId);
    expect((await browser.get('/console')).body.match(SECRET)).toBeNull();

    const events = await world.stores.db.audit.list({ userId: user.id, type: 'client.created', limit: 5 });
    expect(events).toHaveLength(1);
    expect(events[0]!.clientId).toBe(client.clientId);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it.each([
    [
      'javascript:',
      'javascript:alert(1)',
      /"javascript:alert\(1\)" must use https \(the javascript scheme is not allowed\)/,
    ],
    ['a fragment', 'https://app.example.com/cb#frag', /must not contain a fragment/],
    ['a wildcard', 'https://*.example.com/cb', /must not contain wildcards/],
    ['a relative URI', '/callback', /must be an absolute URL/],
    ['data:', 'data:text/html,hi', /the data scheme is not allowed/],
  ])('refuses a redirect URI with %s, saying what is wrong next to the field', async (_, uri, message) => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const response = await register(browser, {
      ...validApp,
      redirect_uris: `https://ok.example.com/cb\n${uri}`,
    });
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body, 'redirect_uris-error')).toMatch(message);
    expect(response.body).toMatch(
      /id="redirect_uris"[^>]*aria-describedby="redirect_uris-hint redirect_uris-error"[^>]*aria-invalid="true"/,
    );
    expect(unescapeHtml(response.body)).toContain(uri);
    expect(response.body.match(SECRET)).toBeNull();
    expect(await world.stores.db.clients.listByOwner(user.id)).toEqual([]);
  });

  it('focuses the first field with an error, and only that one', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const autofocused = (html: string) =>
      [...html.matchAll(/<(?:input|textarea) id="([a-z_]+)"[^>]*>/g)]
        .filter((m) => /\sautofocus[\s>]/.test(m[0]))
        .map((m) => m[1]);
    expect(autofocused((await browser.get('/console/apps/new')).body)).toEqual(['name']);
    const badHomepage = await register(browser, {
      ...validApp,
      homepage_url: 'javascript:alert(1)',
      redirect_uris: 'https://ok.example.com/cb#x',
    });
    expect(badHomepage.statusCode).toBe(400);
    expect(autofocused(badHomepage.body)).toEqual(['homepage_url']);
    const badRedirect = await register(browser, { ...validApp, redirect_uris: 'data:text/html,hi' });
    expect(autofocused(badRedirect.body)).toEqual(['redirect_uris']);
  });

  it('http on a non-loopback host: refused in production, allowed in development mode', async () => {
    const form = { ...validApp, redirect_uris: 'http://app.internal/cb' };
    const prod = await signedInBrowser(world.production, world.stores, 'https://id.example.com');
    const refused = await register(prod.browser, form);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body, 'redirect_uris-error')).toContain(
      '"http://app.internal/cb" must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
    );
    const loopback = await register(prod.browser, { ...form, redirect_uris: 'http://127.0.0.1:8080/cb' });
    expect(loopback.statusCode).toBe(200);

    const dev = await signedInBrowser(world.app, world.stores);
    expect((await register(dev.browser, form)).statusCode).toBe(200);
  });

  it('checks every field: name, description, homepage, at least one redirect URI, duplicates', async () => {
    const { browser } = await signedInBrowser(world.app, world.stores);
    const response = await register(browser, {
      name: '',
      description: '',
      homepage_url: 'javascript:alert(1)',
      redirect_uris: '\n  \n',
    });
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body, 'name-error')).toMatch(/Name is required/);
    expect(textOf(response.body, 'description-error')).toMatch(/Description is required/);
    expect(textOf(response.body, 'homepage_url-error')).toMatch(/Homepage URL must use https/);
    expect(textOf(response.body, 'redirect_uris-error')).toMatch(
      /Redirect URIs must contain at least one redirect URI/,
    );

    const twice = await register(browser, {
      ...validApp,
      redirect_uris: 'https://a.example/cb\nhttps://a.example/cb',
    });
    expect(textOf(twice.body, 'redirect_uris-error')).toContain('"https://a.example/cb" is listed twice');
  });
});

describe('managing an app', () => {
  it('rotates the secret: the new one is shown once, the old hash is gone at once', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client, secret } = await registered(browser, user.id);
    const action = `/console/apps/${client.id}/secret`;
    const page = await browser.get(action);
    const rotated = await browser.post(action, { _csrf: csrfOf(page, action) });
    expect(rotated.statusCode).toBe(200);
    const shown = rotated.body.match(SECRET)!;
    expect(shown).toHaveLength(1);
    expect(shown[0]).not.toBe(secret);
    expect(rotated.body).toContain('The old secret no longer works');
    const stored = (await world.stores.db.clients.findById(client.id))!;
    expect(stored.secretHash).toBe(sha256Hex(shown[0]!));
    expect(stored.secretHash).not.toBe(sha256Hex(secret));
    expect((await browser.get(`/console/apps/${client.id}`)).body.match(SECRET)).toBeNull();
    const events = await world.stores.db.audit.list({
      userId: user.id,
      type: 'client.secret_rotated',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(shown[0]!);
  });

  it('rotating asks for confirmation first, as deleting does: the app page only links to it', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const before = (await world.stores.db.clients.findById(client.id))!.secretHash;
    const action = `/console/apps/${client.id}/secret`;

    const appPage = await browser.get(`/console/apps/${client.id}`);
    expect(appPage.body).not.toContain(`action="${action}"`);
    expect(appPage.body).toContain(`<a class="button danger" href="${action}">Rotate secret…</a>`);

    const confirm = await browser.get(action);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`Rotate the secret of ${client.name}?`);
    expect(confirm.body).toContain(`<form method="post" action="${action}"`);
    expect(confirm.body).toContain(`href="/console/apps/${client.id}">Keep the current secret</a>`);
    expect(confirm.body).not.toMatch(SECRET);
    // Looking at the question changes nothing.
    expect((await world.stores.db.clients.findById(client.id))!.secretHash).toBe(before);
    expect(
      await world.stores.db.audit.list({ userId: user.id, type: 'client.secret_rotated', limit: 5 }),
    ).toEqual([]);
  });

  it('a reload after registering (the same form posted again) creates nothing and shows no secret', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const page = await browser.get('/console/apps/new');
    const form = {
      ...validApp,
      _csrf: csrfOf(page, '/console/apps'),
      form_id: hiddenField(page.body, 'form_id', '/console/apps'),
    };
    expect((await browser.post('/console/apps', form)).statusCode).toBe(200);
    const again = await browser.post('/console/apps', form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/console?notice=already_registered');
    expect(again.body).not.toMatch(SECRET);
    expect(await world.stores.db.clients.listByOwner(user.id)).toHaveLength(1);
    expect((await browser.get('/console?notice=already_registered')).body).toContain('already submitted');
  });

  it('a reload after rotating (the same form posted again) keeps the secret just shown', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const action = `/console/apps/${client.id}/secret`;
    const page = await browser.get(action);
    const form = { _csrf: csrfOf(page, action), form_id: hiddenField(page.body, 'form_id', action) };
    const rotated = await browser.post(action, form);
    const shown = rotated.body.match(SECRET)![0]!;
    const again = await browser.post(action, form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/console/apps/${client.id}?notice=already_rotated`);
    expect((await world.stores.db.clients.findById(client.id))!.secretHash).toBe(sha256Hex(shown));
  });

  it('edits name, description, homepage and redirect URIs', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const form = await browser.get(`/console/apps/${client.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Hello App"');
    expect(form.body).toContain(
      'https://hello.example.com/oauth/callback\nhttp://localhost:3001/callback</textarea>',
    );

    const action = `/console/apps/${client.id}`;
    const bad = await browser.post(action, {
      ...validApp,
      redirect_uris: 'https://new.example.com/cb#x',
      _csrf: csrfOf(form, action),
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body, 'redirect_uris-error')).toMatch(/fragment/);
    expect((await world.stores.db.clients.findById(client.id))!.redirectUris).toEqual(client.redirectUris);

    const saved = await browser.post(action, {
      name: 'Hello App 2',
      description: 'New words.',
      homepage_url: '',
      redirect_uris: 'https://new.example.com/cb',
      _csrf: csrfOf(form, action),
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/console/apps/${client.id}?notice=updated`);
    expect(await world.stores.db.clients.findById(client.id)).toMatchObject({
      name: 'Hello App 2',
      description: 'New words.',
      homepageUrl: null,
      redirectUris: ['https://new.example.com/cb'],
      secretHash: client.secretHash,
    });
    const page = await browser.get(saved.headers.location as string);
    expect(page.body).toContain('Changes saved.');
    const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'client.updated', limit: 5 });
    expect(event!.data).toMatchObject({ changed: ['name', 'description', 'homepage_url', 'redirect_uris'] });
  });

  it('sets the OpenID Connect settings: sign-out redirect URIs and the ID token signing algorithm (API.md §13)', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const newForm = await browser.get('/console/apps/new');
    expect(newForm.body).toContain('<label for="post_logout_redirect_uris">');
    expect(newForm.body).toContain('<label for="id_token_signed_response_alg">');
    expect(newForm.body).toMatch(/<option value="RS256" selected>RS256 \(default\)<\/option>/);

    const created = await register(browser, {
      ...validApp,
      post_logout_redirect_uris: 'https://hello.example.com/signed-out\r\n',
      id_token_signed_response_alg: 'ES256',
    });
    expect(created.statusCode).toBe(200);
    const [client] = await world.stores.db.clients.listByOwner(user.id);
    expect(client).toMatchObject({
      postLogoutRedirectUris: ['https://hello.example.com/signed-out'],
      idTokenSignedResponseAlg: 'ES256',
    });
    expect(created.body).toContain('<li><code>https://hello.example.com/signed-out</code></li>');
    expect(created.body).toContain('<dt>ID token signing</dt><dd><code>ES256</code></dd>');

    const action = `/console/apps/${client!.id}`;
    const edit = await browser.get(`${action}/edit`);
    expect(edit.body).toContain('https://hello.example.com/signed-out</textarea>');
    expect(edit.body).toMatch(/<option value="ES256" selected>ES256<\/option>/);

    // Changing only an OIDC setting is a change; an empty textarea clears the URIs.
    const saved = await browser.post(action, {
      ...validApp,
      post_logout_redirect_uris: '',
      id_token_signed_response_alg: 'RS256',
      _csrf: csrfOf(edit, action),
    });
    expect(saved.statusCode).toBe(303);
    expect(await world.stores.db.clients.findById(client!.id)).toMatchObject({
      postLogoutRedirectUris: [],
      idTokenSignedResponseAlg: 'RS256',
    });
    const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'client.updated', limit: 5 });
    expect(event!.data).toMatchObject({
      changed: ['post_logout_redirect_uris', 'id_token_signed_response_alg'],
    });
  });

  it('shows OpenID Connect setting errors next to their fields, like the others; nothing is stored', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const autofocused = (html: string) =>
      [...html.matchAll(/<(?:input|textarea|select) id="([a-z_]+)"[^>]*>/g)]
        .filter((m) => /\sautofocus[\s>]/.test(m[0]))
        .map((m) => m[1]);
    const refused = await register(browser, {
      ...validApp,
      post_logout_redirect_uris: 'https://hello.example.com/bye\njavascript:alert(1)',
      id_token_signed_response_alg: 'none',
    });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body, 'post_logout_redirect_uris-error')).toBe(
      'Error: "javascript:alert(1)" must use https (the javascript scheme is not allowed).',
    );
    expect(textOf(refused.body, 'id_token_signed_response_alg-error')).toBe(
      'Error: ID token signing algorithm must be one of RS256, ES256.',
    );
    expect(refused.body).toMatch(
      /id="post_logout_redirect_uris"[^>]*aria-describedby="post_logout_redirect_uris-hint post_logout_redirect_uris-error"[^>]*aria-invalid="true"/,
    );
    expect(refused.body).toMatch(
      /<select id="id_token_signed_response_alg"[^>]*aria-describedby="id_token_signed_response_alg-hint id_token_signed_response_alg-error" aria-invalid="true"/,
    );
    expect(autofocused(refused.body)).toEqual(['post_logout_redirect_uris']);
    // What was typed comes back, escaped.
    expect(refused.body).toContain('https://hello.example.com/bye\njavascript:alert(1)</textarea>');
    expect(await world.stores.db.clients.listByOwner(user.id)).toEqual([]);

    const { client } = await registered(browser, user.id);
    const action = `/console/apps/${client.id}`;
    const edit = await browser.get(`${action}/edit`);
    const bad = await browser.post(action, {
      ...validApp,
      name: 'Renamed',
      post_logout_redirect_uris: 'http://app.internal/bye#x',
      _csrf: csrfOf(edit, action),
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body, 'post_logout_redirect_uris-error')).toMatch(/fragment/);
    expect(await world.stores.db.clients.findById(client.id)).toMatchObject({
      name: validApp.name,
      postLogoutRedirectUris: [],
    });
  });

  it('deletes after a confirmation page, revoking every token of the app', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const people = [await seedUser(world.stores), await seedUser(world.stores)];
    const tokens = [
      await grantAndIssue(world.stores, people[0]!, client),
      await grantAndIssue(world.stores, people[1]!, client),
    ];

    const confirm = await browser.get(`/console/apps/${client.id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expectPageHeaders(confirm, 'delete');
    expect(confirm.body).toContain('Delete app and revoke all its tokens');
    expect(confirm.body).toContain('2 people who have authorized it');

    const action = `/console/apps/${client.id}/delete`;
    const deleted = await browser.post(action, { _csrf: csrfOf(confirm, action) });
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/console?notice=deleted');
    expect(await world.stores.db.clients.findById(client.id)).toBeNull();
    for (const issued of tokens) {
      expect(await world.stores.cache.accessTokens.get(sha256Hex(issued.accessToken))).toBeNull();
      const refresh = await world.stores.db.refreshTokens.find(readRefreshToken(issued.refreshToken));
      expect(refresh === null || refresh.revokedAt !== null).toBe(true);
    }
    expect((await browser.get('/console?notice=deleted')).body).toContain('App deleted');
    expect((await browser.get(`/console/apps/${client.id}`)).statusCode).toBe(404);
    const events = await world.stores.db.audit.list({ userId: user.id, type: 'client.deleted', limit: 5 });
    expect(events[0]).toMatchObject({ clientId: client.clientId });
  });

  it('another user’s app does not exist for you: 404 on every page and action, nothing changes', async () => {
    const owner = await seedUser(world.stores);
    const { client } = await seedClient(world.stores, { ownerUserId: owner.id });
    const tokens = await grantAndIssue(world.stores, await seedUser(world.stores), client);
    const { browser } = await signedInBrowser(world.app, world.stores);
    const csrf = await browser.sessionCsrf();
    for (const path of ['', '/edit', '/delete', '/secret', '/try?scope=profile']) {
      const response = await browser.get(`/console/apps/${client.id}${path}`);
      expect(response.statusCode, path).toBe(404);
      expect(response.body).not.toContain(client.clientId);
    }
    for (const path of ['', '/secret', '/delete']) {
      const response = await browser.post(`/console/apps/${client.id}${path}`, { ...validApp, _csrf: csrf });
      expect(response.statusCode, path).toBe(404);
    }
    expect((await browser.get('/console/apps/99999999')).statusCode).toBe(404);
    expect((await browser.get('/console/apps/abc')).statusCode).toBe(404);
    expect(await world.stores.db.clients.findById(client.id)).toEqual(client);
    expect(await tokensAlive(world.stores, tokens)).toEqual({ access: true, refresh: true });
  });
});

describe('Try it', () => {
  it('builds a correct authorization URL with a fresh state and an S256 challenge of the verifier it shows', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const redirectUri = 'http://localhost:3001/callback';
    const path = `/console/apps/${client.id}/try?redirect_uri=${encodeURIComponent(redirectUri)}&scope=profile&scope=balance&auto_authorize=true`;
    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page, 'try it');

    const url = new URL(unescapeHtml(/<pre class="code copyable">([^<]+)<\/pre>/.exec(page.body)![1]!));
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/api/oauth2/authorize`);
    const verifier = /<dt><code>code_verifier<\/code><\/dt><dd><code class="copyable">([^<]+)<\/code>/.exec(
      page.body,
    )![1]!;
    const state = /<dt><code>state<\/code><\/dt><dd><code class="copyable">([^<]+)<\/code>/.exec(
      page.body,
    )![1]!;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      scope: 'profile balance',
      state,
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
      auto_authorize: 'true',
    });
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(page.body).toContain(`-d code_verifier=${verifier}`);

    // A fresh state and verifier every time.
    const second = await browser.get(path);
    expect(second.body).not.toContain(state);
    expect(second.body).not.toContain(verifier);

    // The URL works: an untrusted app's first authorization shows the consent page.
    const consent = await browser.get(`${url.pathname}${url.search}`);
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('action="/api/oauth2/authorize"');
    expect(consent.body).toContain(client.name);
  });

  it('asks for a scope and a registered redirect URI', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const noScope = await browser.get(
      `/console/apps/${client.id}/try?redirect_uri=${encodeURIComponent(client.redirectUris[0]!)}`,
    );
    expect(noScope.statusCode).toBe(400);
    expect(textOf(noScope.body, 'try-error')).toContain('Choose at least one scope.');
    expect(noScope.body).not.toContain('code_verifier</code></dt>');
    const badUri = await browser.get(
      `/console/apps/${client.id}/try?redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=profile`,
    );
    expect(badUri.statusCode).toBe(400);
    expect(textOf(badUri.body, 'try-error')).toContain('registered redirect URIs');
    expect(badUri.body).not.toContain('evil.example');
  });
});

describe('SECURITY 16: every console POST needs the session CSRF token', () => {
  it('403 without _csrf or from a foreign origin; nothing changes', async () => {
    const { user, browser } = await signedInBrowser(world.app, world.stores);
    const { client } = await registered(browser, user.id);
    const csrf = await browser.sessionCsrf();
    const posts = [
      '/console/apps',
      `/console/apps/${client.id}`,
      `/console/apps/${client.id}/secret`,
      `/console/apps/${client.id}/delete`,
    ];
    for (const url of posts) {
      expect((await browser.post(url, validApp)).statusCode, url).toBe(403);
      expect(
        (await browser.post(url, { ...validApp, _csrf: csrf }, { origin: 'https://evil.example' }))
          .statusCode,
        url,
      ).toBe(403);
      expect(
        (await browser.post(url, { ...validApp, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' }))
          .statusCode,
        url,
      ).toBe(403);
    }
    expect(await world.stores.db.clients.listByOwner(user.id)).toEqual([client]);
  });
});
