import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, DurableStores, RotateResult } from '../../ports/index.js';
import { refreshRefusal } from '../../token/refresh-refusal.js';
import { mintFamilyToken } from '../../token/refresh-token-format.js';
import { createClient, createUser, DAY_MS, newRefreshToken, presentedToken, unique } from './fixtures.js';
import { rotationOf } from './refresh-tokens.js';

const SCOPES = ['openid', 'profile', 'balance'] as const;

/** One generated situation a refresh request can meet. */
const states = fc.record({
  /**
   * Which token is presented: the one first issued, its successor (when rotated), one never
   * stored, or a forgery naming the family without its key.
   */
  presented: fc.constantFrom('first', 'successor', 'unknown', 'forged'),
  ownClient: fc.boolean(),
  rotated: fc.boolean(),
  revoked: fc.boolean(),
  expired: fc.boolean(),
  userActive: fc.boolean(),
  granted: fc.subarray([...SCOPES], { minLength: 1 }),
  requested: fc.subarray([...SCOPES]),
});

/**
 * The store refuses a rotation exactly when core's `refreshRefusal` says it must, and
 * reports the reason core gives (SEC-80): the WHERE clause and the rule are one rule.
 */
export function describeRefreshRefusalProperty(stores: () => DurableStores): void {
  describe('RefreshTokenStore refuses exactly when core says so', () => {
    let client: Client;
    let other: Client;
    beforeAll(async () => {
      [client, other] = [await createClient(stores()), await createClient(stores())];
    });

    type State = typeof states extends fc.Arbitrary<infer T> ? T : never;

    /** Stores the state's family and builds the request it leads to, with core's verdict on it. */
    async function arrange(state: State) {
      const refreshTokens = stores().refreshTokens;
      const user = await createUser(stores());
      const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + (state.expired ? -DAY_MS : DAY_MS));
      const token = newRefreshToken(user, client, { scopes: state.granted, expiresAt });
      await refreshTokens.createForActiveUser(token);
      const first = rotationOf(token);
      if (state.rotated) {
        // Spent while it was still valid: rotation's clock is the caller's.
        await refreshTokens.rotate({ ...first, now: new Date(expiresAt.getTime() - 3_600_000) });
      }
      if (state.revoked) await refreshTokens.revokeFamily(token.familyId, new Date());
      if (!state.userActive) await stores().users.setStatus(user.id, 'disabled');
      const value = {
        first: token.value,
        successor: state.rotated ? first.next.value : token.value,
        unknown: mintFamilyToken(unique('nofamily'), 0).value,
        forged: mintFamilyToken(token.familyId, 0).value,
      }[state.presented];
      const before = await refreshTokens.find(presentedToken(value));
      const request = rotationOf(
        { value, clientId: state.ownClient ? client.id : other.id },
        { requestedScopes: state.requested, now: new Date() },
      );
      const expected = refreshRefusal(
        before,
        request.clientId,
        request.now.getTime(),
        request.requestedScopes,
        state.userActive,
      );
      return { value, before, request, expected };
    }

    async function expectVerdict(
      { value, before, request, expected }: Awaited<ReturnType<typeof arrange>>,
      result: RotateResult,
    ) {
      if (expected === null) {
        expect(result.kind).toBe('rotated');
        return;
      }
      expect(result).toMatchObject({ kind: 'refused', reason: expected });
      // A refusal changes nothing and stores no successor.
      const refreshTokens = stores().refreshTokens;
      expect(await refreshTokens.find(presentedToken(value))).toEqual(before);
      const successor = await refreshTokens.find(presentedToken(request.next.value));
      expect(successor === null || successor.rotatedAt !== null).toBe(true);
    }

    it('over generated states', async () => {
      await fc.assert(
        fc.asyncProperty(states, async (state) => {
          const arranged = await arrange(state);
          await expectVerdict(arranged, await stores().refreshTokens.rotate(arranged.request));
        }),
        { numRuns: 80 },
      );
    });

    it('over generated states rotated concurrently, as one batch', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(states, { minLength: 2, maxLength: 8 }), async (batch) => {
          const arranged = await Promise.all(batch.map(arrange));
          // Submitted in one event-loop turn: a store that groups concurrent rotations does so here.
          const results = await Promise.all(arranged.map((a) => stores().refreshTokens.rotate(a.request)));
          for (const [i, a] of arranged.entries()) await expectVerdict(a, results[i]!);
        }),
        { numRuns: 20 },
      );
    });
  });
}
