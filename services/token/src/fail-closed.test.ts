import { readRefreshToken, type Stores, sha256Hex } from '@gatehouse/core';
import { createTestStores } from '@gatehouse/service-kit/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildTokenApp,
  createClient,
  createUser,
  credentials,
  expectOAuthError,
  issueCode,
  obtainTokens,
  postForm,
  REDIRECT_URI,
  refresh,
  type TestClient,
} from './testing/harness.js';

/** Throwaway stores and app per test: each test breaks one store for good. */
let opened: { stores: Stores & { close(): Promise<void> }; app: FastifyInstance } | undefined;

afterEach(async () => {
  await opened?.app.close();
  await opened?.stores.close();
  opened = undefined;
});

async function open() {
  const stores = await createTestStores();
  const app = await buildTokenApp(stores);
  opened = { stores, app };
  return opened;
}

/** A client holding live tokens and an unredeemed code, on throwaway stores. */
async function openWithTokensAndCode() {
  const { stores, app } = await open();
  const user = await createUser(stores);
  const client = await createClient(stores);
  const tokens = await obtainTokens(app, stores, client, user);
  const { code } = await issueCode(stores, client.client, user);
  return { stores, app, client, tokens, code };
}

function redeemCode(app: FastifyInstance, client: TestClient, code: string) {
  return postForm(app, '/api/oauth2/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    ...credentials(client),
  });
}

function expectUnavailable(response: LightMyRequestResponse): void {
  expectOAuthError(response, 503, 'temporarily_unavailable');
  // SEC-29: a generic body, nothing about the store.
  expect(Object.keys(response.json()).sort()).toEqual(['error', 'error_description']);
  expect(response.body).not.toMatch(/redis|postgres|pglite|sql|stack|closed|at \w+ \(/i);
}

describe('fail closed (SEC-27)', () => {
  it('answers 503 when the cache is down, and never treats the code as unused', async () => {
    const { stores, app, client, tokens, code } = await openWithTokensAndCode();
    await stores.cache.close();

    expectUnavailable(await redeemCode(app, client, code));
    expectUnavailable(await refresh(app, client, tokens.refresh_token));
    // Nothing was spent: once the cache is back, the client's retry must not look like a reuse.
    const record = await stores.db.refreshTokens.find(readRefreshToken(tokens.refresh_token));
    expect(record).toMatchObject({ rotatedAt: null, revokedAt: null });
    expectUnavailable(
      await postForm(app, '/api/oauth2/introspect', { token: tokens.access_token, ...credentials(client) }),
    );
    expectUnavailable(
      await postForm(app, '/api/oauth2/revoke', { token: tokens.access_token, ...credentials(client) }),
    );
  });

  it('answers 503 when the database is down', async () => {
    const { stores, app, client, tokens, code } = await openWithTokensAndCode();
    await stores.db.close();

    expectUnavailable(await redeemCode(app, client, code));
    expectUnavailable(await refresh(app, client, tokens.refresh_token));
    expectUnavailable(
      await postForm(app, '/api/oauth2/introspect', { token: tokens.refresh_token, ...credentials(client) }),
    );
    // The client was remembered from its earlier request (rememberClients), so the code was
    // consumed before the refresh-token write failed: it stays spent (the user signs in again),
    // and the answer was a 503, never tokens that were not stored.
    expect(await stores.cache.codes.consume(sha256Hex(code), 60)).toMatchObject({ kind: 'replayed' });
  });
});
