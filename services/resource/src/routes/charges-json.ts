import {
  type Allowance,
  type Charge,
  type ChargeRefund,
  formatQuota,
  type HeldBalance,
  type MovementOutcome,
} from '@gatehouse/core';
import { type AllowanceStatus, allowanceStatus } from '@gatehouse/core/charges';
import { quotaToJson, unixSeconds } from '@gatehouse/core/resource';
import type { MoneyFormat } from '../presenters.js';

/** `{amount: "0.50", quota: 250000}`: money as people read it and as programs count it. */
function money(quota: bigint, format: MoneyFormat) {
  return { amount: formatQuota(quota, format.quotaPerUnit), quota: quotaToJson(quota) };
}

export function chargeJson(charge: Charge, format: MoneyFormat) {
  return {
    id: charge.id,
    status: charge.status,
    amount: formatQuota(charge.amount, format.quotaPerUnit),
    quota: quotaToJson(charge.amount),
    currency: format.currency,
    description: charge.description,
    reference: charge.reference,
    created_time: unixSeconds(charge.createdAt),
    hold_expires_time: charge.holdExpiresAt ? unixSeconds(charge.holdExpiresAt) : null,
    captured_amount: formatQuota(charge.capturedAmount, format.quotaPerUnit),
    captured_quota: quotaToJson(charge.capturedAmount),
    refunded_amount: formatQuota(charge.refundedAmount, format.quotaPerUnit),
    refunded_quota: quotaToJson(charge.refundedAmount),
  };
}

export function refundJson(refund: ChargeRefund, format: MoneyFormat) {
  return {
    id: refund.id,
    charge_id: refund.chargeId,
    amount: formatQuota(refund.amount, format.quotaPerUnit),
    quota: quotaToJson(refund.amount),
    reason: refund.reason,
    created_time: unixSeconds(refund.createdAt),
  };
}

/** As userinfo's `balance`, plus what open holds reserve (SEC-90): `quota` is what is available. */
export function heldBalanceJson(
  balance: Pick<HeldBalance, 'quota' | 'held'>,
  format: MoneyFormat,
  now: Date,
) {
  return {
    amount: formatQuota(balance.quota, format.quotaPerUnit),
    currency: format.currency,
    quota: quotaToJson(balance.quota),
    held: money(balance.held, format),
    // Milliseconds, as userinfo's `balance.as_of`.
    as_of: now.getTime(),
  };
}

export function allowanceJson(status: AllowanceStatus, format: MoneyFormat) {
  return {
    limit: money(status.limit, format),
    period: status.period,
    used: money(status.used, format),
    remaining: money(status.remaining, format),
    currency: format.currency,
    resets_at: status.resetsAt ? unixSeconds(status.resetsAt) : null,
  };
}

/** A movement's answer: the charge, the balance after it and what the allowance has left. */
export function outcomeJson(
  outcome: MovementOutcome,
  allowance: Allowance | null,
  now: Date,
  format: MoneyFormat,
) {
  return {
    ...chargeJson(outcome.charge, format),
    balance: heldBalanceJson(outcome.balance, format, now),
    allowance: allowance ? allowanceJson(allowanceStatus(allowance, outcome.used, now), format) : null,
  };
}
