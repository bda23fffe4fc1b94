import { describe, expect, it } from 'vitest';
import type {
  CacheStores,
  ExpiringStore,
  PendingAuthorizationRequest,
  PendingLogin,
  SessionData,
  WebAuthnChallenge,
} from '../../ports/index.js';
import { concurrently, type OpenCache, PAST_ONE_SECOND_MS, sleep, uniqueKey, useCache } from './support.js';

const session: SessionData = { userId: 7, csrfToken: 'csrf-secret', authTime: 1_700_000_000 };

const pendingRequest: PendingAuthorizationRequest = {
  userId: 7,
  clientId: 3,
  redirectUri: 'https://app.example/callback',
  scopes: ['profile', 'balance:read'],
  state: 'xyz',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  autoAuthorize: false,
};

const webauthnChallenge: WebAuthnChallenge = {
  challenge: 'c2lnbiBtZQ',
  purpose: 'authenticate',
  userId: null,
};
const pendingLogin: PendingLogin = { userId: 7, epoch: 2, recognisedDevice: false, delayMs: 250 };

/** Sessions, pending authorization requests and pending sign-ins share the `ExpiringStore` contract. */
export function describeExpiringStoreContract(open: OpenCache): void {
  describeOne('sessions', open, (cache) => cache.sessions, { ...session, amr: ['pwd', 'otp'] });
  describeOne('pendingRequests', open, (cache) => cache.pendingRequests, pendingRequest);
  describeOne('pendingLogins', open, (cache) => cache.pendingLogins, pendingLogin);
  describeOne('webauthnChallenges', open, (cache) => cache.webauthnChallenges, webauthnChallenge);

  describe('ExpiringStore namespaces', () => {
    const cache = useCache(open);

    it('keeps sessions and pending requests apart even under the same key', async () => {
      const key = uniqueKey('shared');
      await cache().sessions.put(key, session, 60);
      expect(await cache().pendingRequests.get(key)).toBeNull();
      await cache().pendingRequests.put(key, pendingRequest, 60);
      expect(await cache().sessions.get(key)).toEqual(session);
      expect(await cache().pendingLogins.get(key)).toBeNull();
      await cache().pendingLogins.put(key, pendingLogin, 60);
      expect(await cache().pendingRequests.get(key)).toEqual(pendingRequest);
    });
  });
}

function describeOne<T extends object>(
  name: string,
  open: OpenCache,
  pick: (cache: CacheStores) => ExpiringStore<T>,
  value: T,
): void {
  describe(`ExpiringStore contract: ${name}`, () => {
    const cache = useCache(open);
    const store = () => pick(cache());

    it('returns what was put, and null for an unknown key', async () => {
      const key = uniqueKey('k');
      await store().put(key, value, 60);
      expect(await store().get(key)).toEqual(value);
      expect(await store().get(uniqueKey('unknown'))).toBeNull();
    });

    it('overwrites on a second put', async () => {
      const key = uniqueKey('k');
      await store().put(key, value, 60);
      const changed = { ...value, changed: true };
      await store().put(key, changed, 60);
      expect(await store().get(key)).toEqual(changed);
    });

    it('hands out copies: mutating a value put or got does not change what is stored', async () => {
      const key = uniqueKey('k');
      const original = structuredClone(value);
      const mine = structuredClone(value) as Record<string, unknown>;
      await store().put(key, mine as T, 60);
      mine.injected = 'after put';
      const got = (await store().get(key)) as Record<string, unknown>;
      got.injected = 'after get';
      expect(await store().get(key)).toEqual(original);
    });

    it('take returns the value once and removes it', async () => {
      const key = uniqueKey('k');
      await store().put(key, value, 60);
      expect(await store().take(key)).toEqual(value);
      expect(await store().take(key)).toBeNull();
      expect(await store().get(key)).toBeNull();
    });

    it('of 20 concurrent takes exactly one gets the value', async () => {
      const key = uniqueKey('k');
      await store().put(key, value, 60);
      const results = await concurrently(20, () => store().take(key));
      expect(results.filter((result) => result !== null)).toEqual([value]);
    });

    it('delete removes the entry and ignores unknown keys', async () => {
      const key = uniqueKey('k');
      await store().put(key, value, 60);
      await store().delete(key);
      expect(await store().get(key)).toBeNull();
      await expect(store().delete(uniqueKey('unknown'))).resolves.toBeUndefined();
    });

    it('rejects a TTL that is not a positive whole number of seconds', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        await expect(store().put(uniqueKey('k'), value, ttl)).rejects.toBeInstanceOf(RangeError);
      }
    });

    it('forgets entries after their TTL, for get and take alike', async () => {
      const [short1, short2, long] = [uniqueKey('short'), uniqueKey('short'), uniqueKey('long')];
      await store().put(short1, value, 1);
      await store().put(short2, value, 1);
      await store().put(long, value, 60);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await store().get(short1)).toBeNull();
      expect(await store().take(short2)).toBeNull();
      expect(await store().get(long)).toEqual(value);
    });
  });
}
