/**
 * The Redis key layout: `<keyPrefix>gh:<namespace>:<id>`. Ids of bearer secrets are their SHA-256
 * hashes, so no key names a usable secret. `keyPrefix` (empty in production) isolates test runs
 * that share one Redis.
 */
export function redisKeys(keyPrefix = '') {
  const root = `${keyPrefix}gh:`;
  const accessTokenPrefix = `${root}at:`;
  return {
    session: (id: string) => `${root}sess:${id}`,
    pendingRequest: (id: string) => `${root}req:${id}`,
    pendingLogin: (id: string) => `${root}login:${id}`,
    webauthnChallenge: (id: string) => `${root}wa:${id}`,
    code: (codeHash: string) => `${root}code:${codeHash}`,
    /** The revoke script rebuilds token keys from the hashes in a family set. */
    accessTokenPrefix,
    accessToken: (tokenHash: string) => accessTokenPrefix + tokenHash,
    family: (familyId: string) => `${root}fam:${familyId}`,
    rateLimit: (key: string) => `${root}rl:${key}`,
    stamp: (key: string) => `${root}stamp:${key}`,
    /** By the SHA-256 of the device code; the user code key points at it (RFC 8628). */
    deviceGrant: (deviceCodeHash: string) => `${root}dev:${deviceCodeHash}`,
    deviceUserCode: (userCode: string) => `${root}devuc:${userCode}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
