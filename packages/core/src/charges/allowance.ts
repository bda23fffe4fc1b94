import { parseAmount } from '../money/format.js';
import { MAX_BALANCE } from '../money/limits.js';
import { type ChargePeriod, isChargePeriod, nextReset } from './period.js';

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

/** What an authorization request suggested (`charge_limit`, `charge_period`); either may be absent. */
export interface ChargeSuggestion {
  limit: bigint | null;
  period: ChargePeriod | null;
}

/**
 * A money string as an allowance limit, or null when it is not one: digits with at most two
 * decimal places, positive in quota units (an amount that rounds to nothing is not an
 * allowance), at most MAX_BALANCE.
 */
export function parseAllowanceLimit(text: string, quotaPerUnit: bigint): bigint | null {
  if (!/^\d{1,16}(\.\d{1,2})?$/.test(text)) return null;
  const quota = parseAmount(text, quotaPerUnit);
  if (quota <= 0n || quota > MAX_BALANCE) return null;
  return quota;
}

export type AllowanceForm =
  | { kind: 'ok'; allowance: Allowance }
  | { kind: 'invalid'; reason: 'limit_format' | 'not_positive' | 'above_max' | 'period' };

/**
 * The allowance a form (consent page, /account) submitted, as text fields (SEC-88): a money
 * limit within (0, max] and one of the periods. Anything else is refused, never clamped: the
 * user sees what they chose or an error.
 */
export function readAllowanceForm(
  fields: { limit: string | undefined; period: string | undefined },
  quotaPerUnit: bigint,
  max: bigint,
): AllowanceForm {
  const text = (fields.limit ?? '').trim();
  if (!/^\d{1,16}(\.\d{1,2})?$/.test(text)) return { kind: 'invalid', reason: 'limit_format' };
  const limit = parseAmount(text, quotaPerUnit);
  const choice = checkAllowanceChoice(limit, max);
  if (choice !== 'ok') return { kind: 'invalid', reason: choice };
  if (!isChargePeriod(fields.period)) return { kind: 'invalid', reason: 'period' };
  return { kind: 'ok', allowance: { limit, period: fields.period } };
}

/**
 * What the consent page prefills when no allowance is stored yet: the suggestion capped at the
 * maximum; without a suggested period, `month`; without a suggested limit, nothing (the field
 * is empty and required).
 */
export function allowanceFormDefaults(
  suggestion: ChargeSuggestion | null,
  max: bigint,
): { limit: bigint | null; period: ChargePeriod } {
  const limit = suggestion?.limit ?? null;
  return {
    limit: limit === null ? null : limit > max ? max : limit,
    period: suggestion?.period ?? 'month',
  };
}
