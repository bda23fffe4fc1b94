/**
 * Test fixtures for the resource service: real stores (PGlite + memory, or Postgres +
 * Redis when DATABASE_URL / REDIS_URL are set), opened once per test file, and
 * helpers that write state the way the other services would.
 */

import {
  type Client,
  type Config,
  randomToken,
  type Stores,
  sha256Hex,
  TOKEN_PREFIX,
  type User,
} from '@gatehouse/core';
import { useOpened } from '@gatehouse/core/testing';
import type { ServiceOptions } from '@gatehouse/service-kit';
import {
  buildTestApp,
  createClient as createTestClient,
  createTestStores,
  createUser as createTestUser,
  issueTokens,
  type TestStores,
  testConfig,
  unique,
} from '@gatehouse/service-kit/testing';

export { unique };

import type { FastifyInstance } from 'fastify';
import { resourceService } from '../app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export type { TestStores };

export async function registerResource(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  await app.register(resourceService, options);
}

/** How a test file builds its app on its stores; by default the resource service as its server runs it. */
export type BuildApp = (stores: TestStores, config: Config) => Promise<FastifyInstance>;

export interface TestAppOptions {
  /** Configuration variables over the test defaults. */
  env?: Record<string, string>;
  /** `false`: no GATEHOUSE_ADMIN_TOKEN, so the admin API is off. */
  admin?: boolean;
  build?: BuildApp;
}

/** What a test file shares: its own stores, its configuration and the app on them. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly stores: TestStores;
  readonly config: Config;
}

/**
 * Fresh stores and the resource service on them, opened before the tests of the file (or of
 * the `describe` it is called in) and closed after them; read `app`, `stores` and `config`
 * inside tests and hooks, not at the top of the file.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const {
    env = {},
    admin = true,
    build = (stores, config) => buildTestApp(registerResource, { stores, config }),
  } = options;
  return useOpened(['app', 'stores', 'config'], async (defer) => {
    const stores = defer(await createTestStores(), (opened) => opened.close());
    const config = testConfig({ ...(admin ? { GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN } : {}), ...env });
    const app = defer(await build(stores, config), (opened) => opened.close());
    return { app, stores, config };
  });
}

/** A user named `name` (unique by default). */
export function createUser(stores: Stores, name = unique('user')): Promise<User> {
  return createTestUser(stores, { username: name });
}

/** A confidential app, with its secret beside the stored record. */
export async function createClient(
  stores: Stores,
  options: { ownerUserId?: number | null; redirectUris?: string[] } = {},
): Promise<Client & { clientSecret: string }> {
  const { client, secret } = await createTestClient(stores, { description: 'a test app', ...options });
  return { ...client, clientSecret: secret! };
}

export interface IssuedToken {
  token: string;
  hash: string;
  familyId: string;
}

/**
 * An access token as the code exchange issues it (the world's `issueTokens`): its hash in the
 * cache and its family in the database, which is how revocation by user or client finds it.
 */
export async function issueAccessToken(
  stores: Stores,
  user: Pick<User, 'id'>,
  client: Client,
  scopes: string[],
): Promise<IssuedToken> {
  const { access_token, familyId } = await issueTokens(stores, client, user, { scopes });
  return { token: access_token, hash: sha256Hex(access_token), familyId };
}

/** Issues a developer token for the user, as the account page does. */
export async function issueDeveloperToken(stores: Stores, user: Pick<User, 'id'>): Promise<string> {
  const token = randomToken(TOKEN_PREFIX.developerToken);
  await stores.db.developerTokens.create({ userId: user.id, name: 'tests', tokenHash: sha256Hex(token) });
  return token;
}

export async function creditUser(stores: Stores, userId: number, quota: bigint): Promise<void> {
  const result = await stores.db.ledger.apply({ userId, amount: quota, kind: 'credit', actor: 'test' });
  if (result.kind !== 'applied') throw new Error(`crediting the test user failed: ${result.kind}`);
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

export const adminHeaders = bearer(ADMIN_TOKEN);
