import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { sha256Hex } from '../../crypto.js';
import type { Client, DurableStores, NewClient, NewRefreshToken, NewUser, User } from '../../ports/index.js';
import {
  mintNewFamilyToken,
  type PresentedRefreshToken,
  readRefreshToken,
} from '../../token/refresh-token-format.js';
import { useOpened } from '../use-opened.js';

/** What a contract suite needs from an implementation: fresh, empty stores and a way to dispose of them. */
export interface DurableStoresUnderTest {
  stores: DurableStores;
  close(): Promise<void>;
}

export type OpenDurableStores = () => Promise<DurableStoresUnderTest>;

/** A refresh token issued before family keys (`gth_rt_<secret>`): it has no family key. */
export type LegacyRefreshToken = Omit<NewRefreshToken, 'keyHash'>;

/**
 * Fresh stores, and a token no port writes: since family keys, only migration 0010 wrote
 * tokens found by their hash alone, so a suite covering them gets them from the
 * implementation's own test setup.
 */
export interface DurableStoresWithLegacyTokens extends DurableStoresUnderTest {
  /** Stores `token` as migration 0010 stored a live token of a one-token family. */
  seedLegacyRefreshToken(token: LegacyRefreshToken): Promise<void>;
}

export type OpenDurableStoresWithLegacyTokens = () => Promise<DurableStoresWithLegacyTokens>;

/**
 * Opens fresh stores before the suite and closes them after it; returns a getter for what
 * `open` gave. Generous timeout: the first database of a run may be built from scratch.
 */
export function useUnderTest<T extends DurableStoresUnderTest>(open: () => Promise<T>): () => T {
  const handle = useOpened(
    ['underTest'],
    async (defer) => ({ underTest: defer(await open(), (opened) => opened.close()) }),
    { timeoutMs: 120_000 },
  );
  return () => handle.underTest;
}

/** `useUnderTest` for suites that need only the stores. */
export function useStores(open: OpenDurableStores): () => DurableStores {
  const underTest = useUnderTest(open);
  return () => underTest().stores;
}

export function unique(prefix = ''): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** A stored-secret lookalike: the SHA-256 of something random. */
export function randomHash(): string {
  return sha256Hex(randomBytes(32).toString('hex'));
}

export function createUser(stores: DurableStores, overrides: Partial<NewUser> = {}): Promise<User> {
  const name = unique('user');
  return stores.users.create({
    username: name,
    email: `${name}@example.test`,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    ...overrides,
  });
}

export function createClient(stores: DurableStores, overrides: Partial<NewClient> = {}): Promise<Client> {
  return stores.clients.create({
    clientId: unique('gh_'),
    secretHash: randomHash(),
    name: 'Test app',
    redirectUris: ['https://app.example.test/callback'],
    ...overrides,
  });
}

export const DAY_MS = 86_400_000;

/** A family's first token as the store gets it, with the token itself for presenting it. */
export interface TestRefreshToken extends NewRefreshToken {
  value: string;
}

/**
 * A legacy-shaped token (`gth_rt_<secret>`, found by its hash alone) with the grant of
 * `newRefreshToken`, for `seedLegacyRefreshToken`.
 */
export function newLegacyRefreshToken(
  user: User,
  client: Client,
  overrides: Partial<LegacyRefreshToken> = {},
): LegacyRefreshToken & { value: string } {
  const { keyHash: _keyHash, ...grant } = newRefreshToken(user, client, overrides);
  const value = `gth_rt_${unique('legacy')}`;
  return { ...grant, value, tokenHash: readRefreshToken(value).tokenHash };
}

export function newRefreshToken(
  user: User,
  client: Client,
  overrides: Partial<NewRefreshToken> = {},
): TestRefreshToken {
  const minted = mintNewFamilyToken(overrides.familyId ?? unique('family'));
  return {
    value: minted.value,
    tokenHash: minted.hash,
    keyHash: minted.keyHash,
    familyId: minted.familyId,
    clientId: client.id,
    userId: user.id,
    scopes: ['profile'],
    // Whole milliseconds: what every store can round-trip.
    expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * DAY_MS),
    authTime: null,
    sid: null,
    ...overrides,
  };
}

/** The presented form of a refresh token, as the token endpoint reads it. */
export const presentedToken = (value: string): PresentedRefreshToken => readRefreshToken(value);

/** Asserts a discriminated result's kind and narrows it. */
export function expectKind<T extends { kind: string }, K extends T['kind']>(
  result: T,
  kind: K,
): Extract<T, { kind: K }> {
  expect(result.kind).toBe(kind);
  return result as Extract<T, { kind: K }>;
}

/** Counts results by kind, e.g. `{ rotated: 1, reused: 24 }`. */
export function countKinds(results: readonly { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind } of results) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

export function sortedScopes(scopes: readonly string[]): string[] {
  return [...scopes].sort();
}
