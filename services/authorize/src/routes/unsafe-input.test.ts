import { InvalidScopeError } from '@gatehouse/core';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { browserErrorHandler } from '../browser/error-handler.js';
import {
  authorizeParams,
  authorizePath,
  Browser,
  hiddenField,
  ISSUER,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';

const world = useAuthorizeApp();

function expectBadRequestPage(response: LightMyRequestResponse, detail = /UTF-8/): void {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.headers.location).toBeUndefined();
  expect(response.body).toMatch(detail);
}

async function signedInBrowser(): Promise<Browser> {
  const user = await seedUser(world.stores);
  const browser = new Browser(world.app);
  expect((await browser.login(user.username)).statusCode).toBe(303);
  return browser;
}

describe('NUL and invalid UTF-8 are a 400 page before any lookup (SEC-30)', () => {
  it('authorize: a NUL in client_id', async () => {
    const seeded = await seedClient(world.stores);
    const params = authorizeParams(seeded, { client_id: `${seeded.client.clientId}\u0000` });
    expectBadRequestPage(await new Browser(world.app).get(authorizePath(params)));
  });

  it('authorize: an undecodable byte in the query', async () => {
    const seeded = await seedClient(world.stores);
    const path = `${authorizePath(authorizeParams(seeded))}&scope=%FF`;
    expectBadRequestPage(await new Browser(world.app).get(path));
  });

  it('login: a NUL in the username', async () => {
    const browser = new Browser(world.app);
    const form = await browser.get('/login');
    const response = await browser.post('/login', {
      username: 'someone\u0000',
      password: 'whatever it is',
      _csrf: hiddenField(form.body, '_csrf', '/login'),
    });
    expectBadRequestPage(response);
  });

  it('login: invalid UTF-8 in the password', async () => {
    const browser = new Browser(world.app);
    const form = await browser.get('/login');
    const response = await browser.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ISSUER },
      body: `username=someone&password=%C3%28&_csrf=${encodeURIComponent(hiddenField(form.body, '_csrf', '/login'))}`,
    });
    expectBadRequestPage(response);
  });

  it('signup: a NUL in the e-mail address', async () => {
    const browser = new Browser(world.app);
    const form = await browser.get('/signup');
    const response = await browser.post('/signup', {
      username: 'nulsignup',
      email: 'nul\u0000@example.com',
      password: 'a long enough password',
      _csrf: hiddenField(form.body, '_csrf', '/signup'),
    });
    expectBadRequestPage(response);
  });

  it('top-up: a NUL in the code', async () => {
    const browser = await signedInBrowser();
    const form = await browser.get('/topup');
    const response = await browser.post('/topup', {
      code: 'gth_tc_\u0000',
      _csrf: hiddenField(form.body, '_csrf', '/topup'),
    });
    expectBadRequestPage(response);
  });
});

describe('redirect URIs that cannot be sent never give a raw 500 (SEC-29, SEC-31)', () => {
  it.each([
    ['non-ASCII', 'https://legacy.example.com/cb/日本'],
    ['a tab', 'https://legacy.example.com/cb\tx'],
  ])('a legacy registered URI with %s is refused as a page', async (_label, uri) => {
    const seeded = await seedClient(world.stores, { redirectUris: [uri], trusted: true });
    const browser = await signedInBrowser();
    const response = await browser.get(authorizePath(authorizeParams(seeded, { auto_authorize: 'true' })));
    expectBadRequestPage(response, /visible ASCII/);
  });

  it('the error handler shows a page when the error redirect cannot be built', async () => {
    const bare = Fastify();
    bare.decorateRequest('authorizationResponse', null);
    bare.setErrorHandler(browserErrorHandler({ issuer: ISSUER }));
    bare.get('/fails', async (request) => {
      request.authorizationResponse = { redirectUri: 'https://legacy.example.com/日本\n', state: 's' };
      throw new InvalidScopeError('unknown scope');
    });
    try {
      const response = await bare.inject({ method: 'GET', url: '/fails' });
      expectBadRequestPage(response, /cannot be used/);
      expect(response.body).not.toMatch(/legacy\.example\.com/);
    } finally {
      await bare.close();
    }
  });
});
