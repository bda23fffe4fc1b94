import { actor } from '../audit/events.js';
import { type AuditFailureReporter, auditRecorder } from '../audit/record.js';
import { sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import type { AuditStore, LedgerEntry, RedeemResult, TopupCodeStore } from '../ports/index.js';

/**
 * A top-up crediting the ledger (API.md §5): whether a code may be redeemed, what its credit
 * is called in the ledger, and the redemption flow around the store (throttle, the code as
 * typed, audit). The store runs the redemption as one statement whose WHERE clause is
 * `topupRefusal`'s rule (`db/src/stores/topup-codes.ts`); the route only adapts HTTP
 * (`authorize/src/routes/topup.ts`).
 */

/** Why a code is not redeemed: no such code, already redeemed, or past its expiry. */
export type TopupRefusal = 'not_found' | 'used' | 'expired';

/** A stored code as the rule judges it. */
export interface TopupCodeState {
  redeemedAt: Date | null;
  /** Null: the code never expires. */
  expiresAt: Date | null;
}

/**
 * The one statement of the redemption rule. The store's redemption statement enforces exactly
 * these conditions atomically (`redeemed_at IS NULL AND (expires_at IS NULL OR expires_at > now)`);
 * when it matches nothing, the store reads the code as it stands and this function names the
 * reason. The contract suite proves, over generated states, that the store redeems exactly
 * when this returns null. A code expiring at `now` is expired.
 */
export function topupRefusal(code: TopupCodeState | undefined, now: Date): TopupRefusal | null {
  if (code === undefined) return 'not_found';
  if (code.redeemedAt !== null) return 'used';
  if (code.expiresAt !== null && code.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

/** How a code's credit is written to the ledger. */
export interface TopupCredit {
  /** Keyed by the code: even a code whose row was reset by hand cannot credit twice. */
  idempotencyKey: string;
  /** The batch the code came from, e.g. `topup-code:batch-id`. */
  actor: string;
  /** The batch id: the ledger entry and the audit event name the batch, never the code. */
  reference: string;
}

export function topupCredit(codeHash: string, batchId: string): TopupCredit {
  return { idempotencyKey: `topup:${codeHash}`, actor: `topup-code:${batchId}`, reference: batchId };
}

/** What the admin API hands out: `gth_tc_` + 43 base64url characters (256 bits). */
const CODE_FORMAT = new RegExp(`^${TOKEN_PREFIX.topupCode}[A-Za-z0-9_-]{43}$`);

/** The throttle of code guessing (SEC-25), per user; the service keeps its counters. */
export interface TopupGuessThrottle {
  /** Called before a code is looked up; refuses when a window is full. */
  attempt(userId: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /** The code was unknown, used, expired or malformed. */
  failed(userId: number): Promise<void>;
}

/** What the redemption flow runs against: built once per process. */
export interface RedeemTopupContext {
  stores: {
    db: { topupCodes: Pick<TopupCodeStore, 'redeem'>; audit: Pick<AuditStore, 'append'> };
  };
  throttle: TopupGuessThrottle;
  /** Where an audit write, recorded after the credit, reports a failure. */
  reportAuditFailure: AuditFailureReporter;
}

/** One submitted code. */
export interface TopupAttempt {
  userId: number;
  /** The code as typed (surrounding white space is dropped). */
  typed: string;
  /** The app whose top-up link brought the user: its `topup.completed` event and the audit's client. */
  client: { id: number; clientId: string } | null;
  now: Date;
  /** Caller address, for the audit events. */
  ip: string | null;
}

export type TopupOutcome =
  | { kind: 'redeemed'; entry: LedgerEntry }
  /** No code was typed: not counted, not audited. */
  | { kind: 'empty' }
  /** Too many failed attempts: not looked up, not audited (a flood must not become a flood of writes). */
  | { kind: 'throttled'; retryAfterSeconds: number }
  /** Not redeemed; a malformed code is answered as `not_found`. Nothing changed. */
  | { kind: Exclude<RedeemResult['kind'], 'redeemed'> };

/**
 * The steps of one redemption: empty → throttle → format → redeem (the store) → audit. A code
 * that failed (unknown, used, expired, malformed) counts against the throttle; one refused for
 * the balance cap (SEC-32) is a real code that stays unused, not a guess, and does not.
 */
export async function redeemTopup(ctx: RedeemTopupContext, attempt: TopupAttempt): Promise<TopupOutcome> {
  const code = attempt.typed.trim();
  if (code === '') return { kind: 'empty' };

  const throttled = await ctx.throttle.attempt(attempt.userId);
  if (!throttled.allowed) return { kind: 'throttled', retryAfterSeconds: throttled.retryAfterSeconds };

  const wellFormed = CODE_FORMAT.test(code);
  const result: RedeemResult = wellFormed
    ? await ctx.stores.db.topupCodes.redeem(
        sha256Hex(code),
        attempt.userId,
        attempt.now,
        attempt.client?.id ?? null,
      )
    : { kind: 'not_found' };

  // Recorded after the fact (core's audit policy): the credit, or the refusal, stands either way.
  const audit = auditRecorder(ctx.stores.db.audit, ctx.reportAuditFailure);
  const event = {
    userId: attempt.userId,
    clientId: attempt.client?.clientId ?? null,
    actor: actor.user(attempt.userId),
    ip: attempt.ip,
  };
  if (result.kind === 'redeemed') {
    // Never the code: the batch (the entry's reference) and the ledger entry identify it.
    await audit.record({
      ...event,
      type: 'balance.topup',
      data: {
        batch_id: result.entry.reference,
        ledger_entry_id: result.entry.id,
        quota: result.entry.amount.toString(),
      },
    });
    return result;
  }
  if (result.kind !== 'balance_limit') await ctx.throttle.failed(attempt.userId);
  await audit.record({
    ...event,
    type: 'balance.topup_failed',
    data: { reason: wellFormed ? result.kind : 'malformed' },
  });
  return result;
}
