import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sha256Hex } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));
const ADMIN_TOKEN = 'oidc-test-admin-token-0123456789abcdefghij';

/**
 * OpenID Connect with openid-client, unmodified: its default `discovery()` (the OpenID
 * configuration), PKCE without `state` (its canonical example), its ID-token validation with
 * `nonce` and `max_age` checks, userinfo and refresh, against the stack on a real port.
 */
describe('end to end with openid-client (OpenID Connect)', () => {
  let stack: RunningStack;
  let config: client.Configuration;
  const user = { username: 'olivia', password: 'correct horse battery staple' };
  const clientId = 'gh_oidc_client';
  const clientSecret = 'gth_cs_oidc-secret-0123456789abcdefghijklmnopqrstu';
  const redirectUri = 'http://localhost:4998/oauth/callback';
  let userId: number;

  beforeAll(async () => {
    stack = await startTestStack({ GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN });
    const created = await stack.stores.db.users.create({
      username: user.username,
      email: 'olivia@example.com',
      passwordHash: await hashPassword(user.password),
    });
    userId = created.id;
    // Registered before OpenID Connect existed: openid and email are open to every client.
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'OIDC App',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
    config = await client.discovery(new URL(stack.origin), clientId, clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function signIn(
    browser: HttpBrowser,
    extra: Record<string, string> = {},
    checks: { maxAge?: number } = {},
  ) {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email balance',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      ...extra,
    });
    const { callback } = await authorizeAsUser(browser, url.pathname + url.search, user);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
      ...checks,
    });
    return { tokens, nonce, callback, verifier };
  }

  it('discovers the provider from the issuer URL alone', () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(stack.origin);
    expect(metadata.jwks_uri).toBe(`${stack.origin}/.well-known/jwks.json`);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
  });

  it('signs in without state, validates the ID token, reads userinfo and refreshes with the same sub', async () => {
    const browser = new HttpBrowser(stack.origin);
    const { tokens, nonce, callback } = await signIn(browser);
    expect(callback.searchParams.has('state')).toBe(false);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: stack.origin,
      sub: String(userId),
      aud: clientId,
      azp: clientId,
      nonce,
      email: 'olivia@example.com',
      email_verified: false,
      preferred_username: user.username,
    });
    expect(typeof claims.auth_time).toBe('number');

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({
      sub: String(userId),
      id: userId,
      username: user.username,
      email: 'olivia@example.com',
      preferred_username: user.username,
      balance_formatted: '0.00',
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    const again = refreshed.claims()!;
    expect(again.sub).toBe(claims.sub);
    expect(again.auth_time).toBe(claims.auth_time);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('checks max_age against auth_time; max_age=0 sends a signed-in user to the password page again', async () => {
    const browser = new HttpBrowser(stack.origin);
    await signIn(browser);
    const { tokens } = await signIn(browser, { max_age: '300' }, { maxAge: 300 });
    expect(tokens.claims()!.auth_time).toBeGreaterThan(0);

    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      max_age: '0',
    });
    const response = await browser.request(url.pathname + url.search);
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!, stack.origin).pathname).toBe('/login');
  });

  it('refuses an ID token whose nonce is not the one this request sent', async () => {
    const browser = new HttpBrowser(stack.origin);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce: client.randomNonce(),
    });
    const { callback } = await authorizeAsUser(browser, url.pathname + url.search, user);
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedNonce: client.randomNonce(),
      }),
    ).rejects.toMatchObject({
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      cause: { message: 'unexpected ID Token "nonce" claim value' },
    });
  });

  it('prompt=none without a session answers login_required', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    const response = await new HttpBrowser(stack.origin).request(url.pathname + url.search);
    const callback = new URL(response.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('login_required');
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'login_required' });
  });

  it('issues no ID token without openid', async () => {
    const browser = new HttpBrowser(stack.origin);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callback } = await authorizeAsUser(browser, url.pathname + url.search, user);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.claims()).toBeUndefined();
  });

  /** The real `gatehouse` binary against this stack, with --json. */
  async function gatehouse(...args: string[]) {
    const { stdout } = await run(process.execPath, [BIN, ...args, '--json'], {
      env: { ...process.env, GATEHOUSE_URL: stack.origin, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    return JSON.parse(stdout);
  }

  // Last: it changes the signing keys.
  it('keys rotate: the new key is published first and signs only after the delay; old tokens keep validating', async () => {
    const jwks = () =>
      createRemoteJWKSet(new URL(`${stack.origin}/.well-known/jwks.json`), { cacheMaxAge: 0 });
    const published = async () =>
      (
        (await (await fetch(`${stack.origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
      ).keys.map((k) => k.kid);
    const { tokens } = await signIn(new HttpBrowser(stack.origin));
    const before = tokens.id_token!;
    const oldKid = decodeProtectedHeader(before).kid!;
    const listed = (await gatehouse('keys', 'list')) as { kid: string; status: string; alg: string }[];
    expect(listed.find((k) => k.kid === oldKid)).toMatchObject({ status: 'current', alg: 'RS256' });

    const next = (await gatehouse('keys', 'rotate')) as { kid: string; status: string; activates_at: number };
    expect(next.status).toBe('next');
    expect(next.activates_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(300);
    expect(await published()).toEqual(expect.arrayContaining([oldKid, next.kid]));
    const during = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeProtectedHeader(during.id_token!).kid).toBe(oldKid);

    // An emergency rotation signs at once; what the old key signed still validates.
    const urgent = (await gatehouse('keys', 'rotate', '--immediate')) as { kid: string; status: string };
    expect(urgent.status).toBe('current');
    const after = await client.refreshTokenGrant(config, during.refresh_token!);
    expect(decodeProtectedHeader(after.id_token!).kid).toBe(urgent.kid);
    expect(after.claims()!.sub).toBe(String(userId));
    for (const token of [before, after.id_token!]) {
      await expect(
        jwtVerify(token, jwks(), { issuer: stack.origin, audience: clientId }),
      ).resolves.toBeTruthy();
    }
    const statuses = Object.fromEntries(
      ((await gatehouse('keys', 'list')) as { kid: string; status: string }[]).map((k) => [k.kid, k.status]),
    );
    expect(statuses[oldKid]).toBe('retiring');
    expect(statuses[urgent.kid]).toBe('current');
  });
});
