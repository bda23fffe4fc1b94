import { parseAmount } from '../money/format.js';
import { MAX_BALANCE } from '../money/limits.js';

export class ChargeAmountError extends RangeError {}

/**
 * A charge amount from the wire (SEC-86): exactly one of `amount` (decimal string in CURRENCY,
 * at most two places) or `quota` (integer); positive, at most MAX_BALANCE. An amount that
 * rounds to zero quota is refused, not charged as nothing.
 */
export function chargeAmountOf(body: { amount?: unknown; quota?: unknown }, quotaPerUnit: bigint): bigint {
  const hasAmount = body.amount !== undefined && body.amount !== null && body.amount !== '';
  const hasQuota = body.quota !== undefined && body.quota !== null && body.quota !== '';
  if (hasAmount === hasQuota) throw new ChargeAmountError('send exactly one of amount or quota');
  let quota: bigint;
  if (hasAmount) {
    if (typeof body.amount !== 'string') throw new ChargeAmountError('amount must be a decimal string');
    try {
      quota = parseAmount(body.amount, quotaPerUnit);
    } catch {
      throw new ChargeAmountError('amount must be a decimal number with at most two decimal places');
    }
  } else {
    const raw = body.quota;
    const text = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : String(raw);
    if (!/^\d{1,16}$/.test(text)) throw new ChargeAmountError('quota must be a positive integer');
    quota = BigInt(text);
  }
  if (quota <= 0n) throw new ChargeAmountError('the amount must be greater than zero');
  if (quota > MAX_BALANCE) throw new ChargeAmountError('the amount is too large');
  return quota;
}
