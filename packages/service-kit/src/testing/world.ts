/**
 * The one test world: users, clients, authorization codes and tokens, written by the functions
 * the services themselves run (core's `issueCode`, the token service's `issueForCode`), so a
 * test's state is never a hand-made imitation of theirs. Every service's tests build on it;
 * users and clients are core's contract-suite fixtures, seen through the service's stores.
 */
import {
  type AuthorizationCodeData,
  type Client,
  type NewClient,
  type NewUser,
  newClientCredentials,
  randomId,
  type Stores,
  sha256Hex,
  type User,
} from '@gatehouse/core';
import { issueCode as issueAuthorizationCode } from '@gatehouse/core/authorize';
import { createClient as createStoredClient, createUser as createStoredUser } from '@gatehouse/core/testing';
import { issueForCode, type TokenResponse } from '@gatehouse/core/token';
import { testConfig } from './index.js';

export const TEST_REDIRECT_URI = 'https://app.example.com/oauth/callback';

/** Unique per call, valid as a username (letters, digits, `_`, `-`). */
export function unique(label: string): string {
  return `${label}_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** A user with a unique name; the stored hash matches no password unless a test sets one. */
export function createUser(stores: Stores, overrides: Partial<NewUser> = {}): Promise<User> {
  const name = overrides.username ?? unique('user');
  return createStoredUser(stores.db, { username: name, email: `${name}@example.com`, ...overrides });
}

export interface TestClient {
  client: Client;
  /** Null for a public client. */
  secret: string | null;
}

/** A registered app: confidential with a fresh secret, or public (`public: true`). */
export async function createClient(
  stores: Stores,
  options: Partial<Omit<NewClient, 'secretHash'>> & { public?: boolean; secret?: string } = {},
): Promise<TestClient> {
  const { public: isPublic, secret: chosen, ...fields } = options;
  const credentials = newClientCredentials();
  const secret = isPublic ? null : (chosen ?? credentials.clientSecret);
  const client = await createStoredClient(stores.db, {
    clientId: credentials.clientId,
    name: unique('app'),
    redirectUris: [TEST_REDIRECT_URI],
    allowedScopes: ['profile', 'balance'],
    ...fields,
    secretHash: secret === null ? null : sha256Hex(secret),
  });
  return { client, secret };
}

/** What a test may choose about a code; the rest is what the authorize service would store. */
export type CodeOverrides = Partial<
  Pick<
    AuthorizationCodeData,
    'redirectUri' | 'scopes' | 'codeChallenge' | 'nonce' | 'authTime' | 'sid' | 'amr'
  >
>;

/**
 * An authorization code as the authorize service issues one after consent (core `issueCode`),
 * and the data stored under its hash.
 */
export async function issueCode(
  stores: Stores,
  client: Pick<Client, 'id'>,
  user: Pick<User, 'id'>,
  overrides: CodeOverrides = {},
  ttlSeconds = 60,
): Promise<{ code: string; data: AuthorizationCodeData }> {
  let stored: AuthorizationCodeData | undefined;
  const codes = {
    put: async (hash: string, data: AuthorizationCodeData, ttl: number) => {
      stored = data;
      await stores.cache.codes.put(hash, data, ttl);
    },
  };
  const redirect = await issueAuthorizationCode(
    codes,
    { authCodeTtl: ttlSeconds, issuer: testConfig().issuer },
    {
      userId: user.id,
      authTime: overrides.authTime ?? Math.floor(Date.now() / 1000),
      sid: overrides.sid ?? randomId(16),
      amr: overrides.amr ?? ['pwd'],
    },
    {
      clientId: client.id,
      redirectUri: overrides.redirectUri ?? TEST_REDIRECT_URI,
      scopes: overrides.scopes ?? ['profile', 'balance'],
      state: null,
      codeChallenge: overrides.codeChallenge ?? null,
      nonce: overrides.nonce ?? null,
    },
  );
  return { code: new URL(redirect).searchParams.get('code')!, data: stored! };
}

/**
 * A token pair as the code exchange issues it (core `issueForCode`: a new family in the
 * database, the access token in the cache), without going through HTTP.
 */
export async function issueTokens(
  stores: Stores,
  client: Client,
  user: Pick<User, 'id'>,
  overrides: CodeOverrides = {},
): Promise<TokenResponse & { familyId: string }> {
  const { data } = await issueCode(stores, client, user, overrides);
  const config = testConfig();
  const reportAuditFailure = (error: unknown) => {
    throw error;
  };
  const body = await issueForCode({ stores, config, reportAuditFailure }, client, data, Date.now());
  return { ...body, familyId: data.familyId };
}
