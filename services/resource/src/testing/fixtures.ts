/**
 * Test fixtures for the resource service: real stores (PGlite + memory, or Postgres +
 * Redis when DATABASE_URL / REDIS_URL are set), opened once per test file, and
 * helpers that write state the way the other services would.
 */
import {
  type Client,
  type Config,
  newClientCredentials,
  randomId,
  randomToken,
  type Stores,
  sha256Hex,
  TOKEN_PREFIX,
  type User,
} from '@gatehouse/core';
import type { ServiceOptions } from '@gatehouse/service-kit';
import { buildTestApp, createTestStores, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { resourceService } from '../app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export type TestStores = Stores & { close(): Promise<void> };

export async function registerResource(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  await app.register(resourceService, options);
}

export interface TestApp {
  app: FastifyInstance;
  stores: TestStores;
  config: Config;
  close(): Promise<void>;
}

/** Fresh stores and the resource service on them; `env` are configuration variables. */
export async function openTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const stores = await createTestStores();
  const config = testConfig({ GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
  const app = await buildTestApp(registerResource, { stores, config });
  return {
    app,
    stores,
    config,
    async close() {
      await app.close();
      await stores.close();
    },
  };
}

/** Unique per call, valid as a username (letters, digits, `_`, `-`). */
export function unique(label: string): string {
  return `${label}_${randomId(6)}`;
}

export async function createUser(stores: Stores, name = unique('user')): Promise<User> {
  // No login happens in the resource service, so any string serves as the stored hash.
  return stores.db.users.create({ username: name, email: `${name}@example.com`, passwordHash: 'unused' });
}

export async function createClient(
  stores: Stores,
  options: { ownerUserId?: number | null; redirectUris?: string[] } = {},
): Promise<Client & { clientSecret: string }> {
  const credentials = newClientCredentials();
  const client = await stores.db.clients.create({
    clientId: credentials.clientId,
    secretHash: credentials.secretHash,
    name: unique('app'),
    description: 'a test app',
    redirectUris: options.redirectUris ?? ['https://app.example.com/oauth/callback'],
    allowedScopes: ['profile', 'balance'],
    ownerUserId: options.ownerUserId ?? null,
  });
  return { ...client, clientSecret: credentials.clientSecret };
}

export interface IssuedToken {
  token: string;
  hash: string;
  familyId: string;
}

/**
 * Issues an access token as the token service does: the token's hash in the cache,
 * and a refresh token of the same family in the database (which is how revocation
 * by user or by client finds the family).
 */
export async function issueAccessToken(
  stores: Stores,
  user: Pick<User, 'id'>,
  client: Pick<Client, 'id' | 'clientId'>,
  scopes: string[],
  ttlSeconds = 3600,
): Promise<IssuedToken> {
  const token = randomToken(TOKEN_PREFIX.accessToken);
  const familyId = randomId();
  const now = Math.floor(Date.now() / 1000);
  await stores.db.refreshTokens.create({
    keyHash: null,
    tokenHash: sha256Hex(randomToken(TOKEN_PREFIX.refreshToken)),
    familyId,
    clientId: client.id,
    userId: user.id,
    scopes,
    expiresAt: new Date((now + 30 * 86400) * 1000),
  });
  await stores.cache.accessTokens.put(
    sha256Hex(token),
    {
      clientId: client.id,
      clientPublicId: client.clientId,
      userId: user.id,
      scopes,
      familyId,
      issuedAt: now,
      expiresAt: now + ttlSeconds,
    },
    ttlSeconds,
  );
  return { token, hash: sha256Hex(token), familyId };
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
