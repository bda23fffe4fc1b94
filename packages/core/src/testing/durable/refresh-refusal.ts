import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, DurableStores } from '../../ports/index.js';
import { refreshRefusal } from '../../token/refresh-refusal.js';
import { createClient, createUser, DAY_MS, newRefreshToken, randomHash } from './fixtures.js';

const SCOPES = ['openid', 'profile', 'balance'] as const;

/** One generated situation a refresh request can meet. */
const states = fc.record({
  /** Which token is presented: the one first issued, its successor (when rotated), or one never stored. */
  presented: fc.constantFrom('first', 'successor', 'unknown'),
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

    it('over generated states', async () => {
      await fc.assert(
        fc.asyncProperty(states, async (state) => {
          const refreshTokens = stores().refreshTokens;
          const user = await createUser(stores());
          const expiresAt = new Date(
            Math.floor(Date.now() / 1000) * 1000 + (state.expired ? -DAY_MS : DAY_MS),
          );
          const token = newRefreshToken(user, client, { scopes: state.granted, expiresAt });
          await refreshTokens.createForActiveUser(token);
          const successorHash = randomHash();
          if (state.rotated) {
            // Spent while it was still valid: rotation's clock is the caller's.
            const spentAt = new Date(expiresAt.getTime() - 3_600_000);
            const spend = { oldHash: token.tokenHash, clientId: client.id, nextHash: successorHash };
            await refreshTokens.rotate({ ...spend, requestedScopes: [], now: spentAt });
          }
          if (state.revoked) await refreshTokens.revokeFamily(token.familyId, new Date());
          if (!state.userActive) await stores().users.setStatus(user.id, 'disabled');
          const presented = {
            first: token.tokenHash,
            successor: state.rotated ? successorHash : token.tokenHash,
            unknown: randomHash(),
          }[state.presented];
          const before = await refreshTokens.findByHash(presented);
          const request = {
            oldHash: presented,
            clientId: state.ownClient ? client.id : other.id,
            nextHash: randomHash(),
            requestedScopes: state.requested,
            now: new Date(),
          };
          const expected = refreshRefusal(
            before,
            request.clientId,
            request.now.getTime(),
            request.requestedScopes,
            state.userActive,
          );
          const result = await refreshTokens.rotate(request);
          if (expected === null) {
            expect(result.kind).toBe('rotated');
            return;
          }
          expect(result).toMatchObject({ kind: 'refused', reason: expected });
          // A refusal changes nothing and stores no successor.
          expect(await refreshTokens.findByHash(presented)).toEqual(before);
          expect(await refreshTokens.findByHash(request.nextHash)).toBeNull();
        }),
        { numRuns: 80 },
      );
    });
  });
}
