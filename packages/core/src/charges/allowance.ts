import { type ChargePeriod, nextReset } from './period.js';

/** What the user allowed one app to spend per period, chosen at consent (SEC-85). */
export interface Allowance {
  limit: bigint;
  period: ChargePeriod;
}

export interface AllowanceStatus extends Allowance {
  used: bigint;
  remaining: bigint;
  /** Null for `total`. */
  resetsAt: Date | null;
}

export function allowanceStatus(allowance: Allowance, used: bigint, now: Date): AllowanceStatus {
  const remaining = allowance.limit - used;
  return {
    ...allowance,
    used,
    remaining: remaining > 0n ? remaining : 0n,
    resetsAt: nextReset(allowance.period, now),
  };
}

/**
 * The allowance a consent form may store (SEC-88): positive and at most the platform maximum.
 * A later, higher suggestion from the app never replaces a stored one.
 */
export function checkAllowanceChoice(limit: bigint, max: bigint): 'ok' | 'not_positive' | 'above_max' {
  if (limit <= 0n) return 'not_positive';
  if (limit > max) return 'above_max';
  return 'ok';
}

/** The allowance prefilled on the consent page: the stored one wins over any suggestion. */
export function allowanceToOffer(
  stored: Allowance | null,
  suggested: Allowance | null,
  max: bigint,
): Allowance | null {
  if (stored) return stored;
  if (!suggested) return null;
  return { ...suggested, limit: suggested.limit > max ? max : suggested.limit };
}
