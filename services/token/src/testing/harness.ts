import type { User } from '@gatehouse/core';
import { type Config, mintNewFamilyToken, type Stores, sha256Hex } from '@gatehouse/core';
import { useOpened } from '@gatehouse/core/testing';
import {
  buildTestApp,
  type CodeOverrides,
  createClient,
  createTestStores,
  createUser,
  issueCode,
  TEST_REDIRECT_URI,
  type TestClient,
  type TestStores,
  testConfig,
} from '@gatehouse/service-kit/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { beforeEach, expect } from 'vitest';
import { tokenService } from '../app.js';

// Users, clients and codes come from the one test world, as every service's tests have them.
export {
  createClient,
  createUser,
  issueCode,
  TEST_REDIRECT_URI as REDIRECT_URI,
  type TestClient,
} from '@gatehouse/service-kit/testing';

/** The token service alone, as its server runs it (logger, health routes, error handler). */
export function buildTokenApp(stores: Stores, config: Config = testConfig()): Promise<FastifyInstance> {
  return buildTestApp(
    async (app, options) => {
      await app.register(tokenService, options);
    },
    { stores, config },
  );
}

export type { TestStores };

/** What a test file shares: its own stores and the token service on them. */
export interface TokenApp {
  readonly stores: TestStores;
  readonly app: FastifyInstance;
}

/**
 * Fresh stores and the token service on them, opened before the file's tests and closed after
 * them; read `stores` and `app` inside tests and hooks, not at the top of the file.
 */
export function useTokenApp(config?: Config): TokenApp {
  return useOpened(['stores', 'app'], async (defer) => {
    const stores = defer(await createTestStores(), (opened) => opened.close());
    const app = defer(await buildTokenApp(stores, config), (opened) => opened.close());
    return { stores, app };
  });
}

/** A user and named confidential clients, `names` saying what the tests call each client. */
export type Parties<Name extends string> = { readonly user: User } & { readonly [K in Name]: TestClient };

/** Before each test: a fresh user and one fresh confidential client per name, in that order. */
export function useParties<const Name extends string>(t: TokenApp, names: readonly Name[]): Parties<Name> {
  let user: User | undefined;
  const clients = new Map<string, TestClient>();
  beforeEach(async () => {
    user = await createUser(t.stores);
    for (const name of names) clients.set(name, await createClient(t.stores));
  });
  const parties = {
    get user() {
      return opened(user, 'user');
    },
  };
  for (const name of names) {
    Object.defineProperty(parties, name, { get: () => opened(clients.get(name), name), enumerable: true });
  }
  return parties as Parties<Name>;
}

function opened<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is not open yet: read it inside a test or a hook`);
  return value;
}

export type Params = Record<string, string | string[]>;

export function formBody(params: Params): string {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  return body.toString();
}

/** A form-encoded POST, as RFC 6749 and the integration guide send it. */
export function postForm(
  app: FastifyInstance,
  url: string,
  params: Params,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: formBody(params),
  });
}

/** client_secret_post credentials. */
export function credentials(client: TestClient): Record<string, string> {
  return client.secret === null
    ? { client_id: client.client.clientId }
    : { client_id: client.client.clientId, client_secret: client.secret };
}

/** RFC 6749 §2.3.1: each half form-url-encoded, then base64. */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  scope: string;
  expires_in: number;
  refresh_token_expires_in: number;
  token_type: string;
}

/**
 * A refresh token of a new `profile` family of `client` whose absolute expiry the test
 * chooses (the code exchange gives every family REFRESH_TOKEN_TTL), stored as the code
 * exchange stores it.
 */
export async function refreshTokenExpiringAt(
  stores: Stores,
  client: TestClient,
  user: User,
  expiresAt: Date,
): Promise<string> {
  const token = mintNewFamilyToken();
  const stored = await stores.db.refreshTokens.createForActiveUser({
    tokenHash: token.hash,
    keyHash: token.keyHash,
    familyId: token.familyId,
    clientId: client.client.id,
    userId: user.id,
    scopes: ['profile'],
    expiresAt,
  });
  expect(stored).toBe(true);
  return token.value;
}

/** Redeems a fresh code for `client` and returns the pair (asserting success). */
export async function obtainTokens(
  app: FastifyInstance,
  stores: Stores,
  client: TestClient,
  user: User,
  overrides: CodeOverrides = {},
): Promise<TokenPair & { familyId: string }> {
  const { code, data } = await issueCode(stores, client.client, user, overrides);
  const response = await postForm(app, '/api/oauth2/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: TEST_REDIRECT_URI,
    ...credentials(client),
  });
  expect(response.statusCode, response.body).toBe(200);
  return { ...(response.json() as TokenPair), familyId: data.familyId };
}

export function refresh(
  app: FastifyInstance,
  client: TestClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return postForm(app, '/api/oauth2/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...credentials(client),
    ...extra,
  });
}

/** SEC-13: every response of the token service, errors included. */
export function expectNoStoreJson(response: LightMyRequestResponse): void {
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers.pragma).toBe('no-cache');
  expect(response.headers['content-type']).toMatch(/^application\/json(;|$)/);
}

export function expectOAuthError(response: LightMyRequestResponse, status: number, error: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toMatchObject({ error });
  expectNoStoreJson(response);
}

export const accessTokenIsStored = async (stores: Stores, token: string): Promise<boolean> =>
  (await stores.cache.accessTokens.get(sha256Hex(token))) !== null;
