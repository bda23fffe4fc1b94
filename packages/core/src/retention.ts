import type { RetentionKind } from './ports/retention.js';

const DAY_MS = 86_400_000;

/**
 * How long a record is kept after it ended, per kind (SEC-96). Each margin is there for a reason
 * that outlasts the record's use:
 * - refresh-token families: 30 days after expiry or revocation. A revoked family's token replayed
 *   within that time is still recognised as a reuse and audited (`refresh_token.reuse_detected`,
 *   SEC-11); after it the token matches no family, which refuses it all the same.
 * - e-mail links: 1 day after use or expiry (a refused link is refused either way; the day keeps
 *   a just-used link visible to support).
 * - idempotency keys: 24 h after creation, the replay window SEC-92 promises.
 * - webhook events: 30 days after creation once delivered or given up on (the app's delivery
 *   history); a pending event is never deleted.
 */
export const RETENTION_MARGIN_MS = {
  refreshTokenFamilies: 30 * DAY_MS,
  emailTokens: DAY_MS,
  idempotencyKeys: DAY_MS,
  webhookEvents: 30 * DAY_MS,
} as const;

/** In this order: a family's legacy hashes go before the family, so no delete cascades. */
export const RETENTION_KINDS: readonly RetentionKind[] = [
  'refreshTokenLegacyHashes',
  'refreshTokenFamilies',
  'emailTokens',
  'idempotencyKeys',
  'webhookEvents',
  'auditEvents',
];

export interface RetentionPolicy {
  /** `AUDIT_RETENTION_DAYS`. */
  auditRetentionDays: number;
}

/** The cut-off of each kind at `now`: a record of the kind that ended before it is deleted. */
export function retentionCutoffs(now: Date, policy: RetentionPolicy): Record<RetentionKind, Date> {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const families = ago(RETENTION_MARGIN_MS.refreshTokenFamilies);
  return {
    refreshTokenLegacyHashes: families,
    refreshTokenFamilies: families,
    emailTokens: ago(RETENTION_MARGIN_MS.emailTokens),
    idempotencyKeys: ago(RETENTION_MARGIN_MS.idempotencyKeys),
    webhookEvents: ago(RETENTION_MARGIN_MS.webhookEvents),
    auditEvents: ago(policy.auditRetentionDays * DAY_MS),
  };
}
