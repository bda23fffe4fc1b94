import type { AllowanceStatus } from '../charges/allowance.js';
import { formatQuota } from '../money/format.js';
import { type StandardClaims, standardClaims } from '../oidc/claims.js';
import type { Balance, User } from '../ports/index.js';

/** Quota amounts go on the wire as JSON numbers: exact only below 2^53. */
export const MAX_JSON_QUOTA = BigInt(Number.MAX_SAFE_INTEGER);

/** A quota amount as a JSON number; refuses amounts a JSON number cannot carry exactly. */
export function quotaToJson(quota: bigint): number {
  if (quota > MAX_JSON_QUOTA || quota < -MAX_JSON_QUOTA) {
    throw new RangeError('the quota amount is too large to be sent as an exact JSON number');
  }
  return Number(quota);
}

/** Unix seconds, as the integration guide's `created_time`. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The integration guide's user status codes. */
export const USER_STATUS_CODE = { active: 1, disabled: 2 } as const;

export interface Userinfo extends StandardClaims {
  sub: string;
  id: number;
  username?: string;
  email?: string;
  created_time?: number;
  status?: number;
  quota?: number;
  used_quota?: number;
  balance_formatted?: string;
  balance?: {
    amount: string;
    currency: string;
    quota: number;
    as_of: number;
    held?: { amount: string; quota: number };
  };
  allowance?: UserinfoAllowance | null;
}

/** `allowance` with `charge` (SEC-85): money strings and quota integers, like `balance`. */
export interface UserinfoAllowance {
  limit: { amount: string; quota: number };
  period: string;
  used: { amount: string; quota: number };
  remaining: { amount: string; quota: number };
  currency: string;
  resets_at: number | null;
}

export interface UserinfoInput {
  user: Pick<User, 'id' | 'username' | 'email' | 'emailVerified' | 'status' | 'createdAt'>;
  /** Read fresh for this response; null only if the user has no balance row (shown as zero). */
  balance: (Pick<Balance, 'quota' | 'usedQuota'> & { held?: bigint }) | null;
  /** With `charge`: the app's allowance now (null: none set). */
  allowance?: AllowanceStatus | null;
  scopes: readonly string[];
  quotaPerUnit: bigint;
  currency: string;
  /** When the balance was read. */
  now: Date;
}

/**
 * The userinfo response (API.md §4) with the field names of the integration guide:
 * `sub` and `id` always, profile fields (with `email_verified` beside `email`) with `profile`, money fields with `balance`.
 * With `openid`, OpenID Connect's standard claims of the granted scopes are added (and
 * `email`/`email_verified` with the `email` scope alone); the guide's fields keep their
 * names and types. A field outside the token's scopes is absent, never null.
 */
export function shapeUserinfo(input: UserinfoInput): Userinfo {
  const { user, scopes } = input;
  const info: Userinfo = { sub: String(user.id), id: user.id };
  if (scopes.includes('profile')) {
    info.username = user.username;
    info.email = user.email;
    // Beside `email`, so apps that link accounts by address can tell a proven one (SEC-61).
    info.email_verified = user.emailVerified;
    info.created_time = unixSeconds(user.createdAt);
    info.status = USER_STATUS_CODE[user.status];
  }
  if (scopes.includes('openid')) Object.assign(info, standardClaims(user, scopes));
  else if (scopes.includes('email')) Object.assign(info, standardClaims(user, ['email']));
  if (scopes.includes('balance')) {
    const quota = input.balance?.quota ?? 0n;
    const formatted = formatQuota(quota, input.quotaPerUnit);
    info.quota = quotaToJson(quota);
    info.used_quota = quotaToJson(input.balance?.usedQuota ?? 0n);
    info.balance_formatted = formatted;
    info.balance = {
      amount: formatted,
      currency: input.currency,
      quota: info.quota,
      as_of: input.now.getTime(),
    };
    // SEC-90: `quota` is what is available; holds show beside it (always with `charge`).
    const held = input.balance?.held ?? 0n;
    if (held > 0n || scopes.includes('charge')) {
      info.balance.held = { amount: formatQuota(held, input.quotaPerUnit), quota: quotaToJson(held) };
    }
  }
  if (scopes.includes('charge')) {
    const a = input.allowance ?? null;
    const money = (q: bigint) => ({ amount: formatQuota(q, input.quotaPerUnit), quota: quotaToJson(q) });
    info.allowance = a && {
      limit: money(a.limit),
      period: a.period,
      used: money(a.used),
      remaining: money(a.remaining),
      currency: input.currency,
      resets_at: a.resetsAt ? unixSeconds(a.resetsAt) : null,
    };
  }
  return info;
}
