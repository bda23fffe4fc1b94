/**
 * What the retention job deletes (SEC-96), one kind of record at a time. Each kind names its
 * own "ended" rule; the cut-off (`before`) is core's decision (`retentionCutoffs`).
 * - `refreshTokenLegacyHashes`: the pre-family hashes of a family that expired or was revoked
 *   before the cut-off (deleted ahead of their family, so a family's delete stays one row);
 * - `refreshTokenFamilies`: families that expired or were revoked before the cut-off;
 * - `emailTokens`: e-mail verification and password-reset links used or expired before it;
 * - `idempotencyKeys`: charges-API idempotency keys created before it;
 * - `webhookEvents`: events delivered or given up on (`succeeded`/`failed`) created before it,
 *   never a `pending` one;
 * - `auditEvents`: audit events created before it.
 * Nothing else is ever deleted: not the ledger, charges, refunds, balances, nor live records.
 */
export type RetentionKind =
  | 'refreshTokenLegacyHashes'
  | 'refreshTokenFamilies'
  | 'emailTokens'
  | 'idempotencyKeys'
  | 'webhookEvents'
  | 'auditEvents';

export interface RetentionStore {
  /**
   * Deletes at most `limit` records of `kind` that ended before `before`, in one short
   * statement of its own (its own transaction) that skips rows another transaction holds,
   * so it never waits on, nor long blocks, the request path. Returns how many it deleted.
   */
  deleteEnded(kind: RetentionKind, before: Date, limit: number): Promise<number>;
}
