/**
 * Balances are integers in quota units; `quotaPerUnit` quota = 1 unit of currency.
 * Display amounts have two decimal places and are rounded toward zero, so a
 * balance is never shown as more than the user holds (499 999 quota at 500 000
 * per unit is "0.99", not "1.00"). Integer arithmetic only: no floats anywhere.
 */
export function formatQuota(quota: bigint, quotaPerUnit: bigint): string {
  if (quotaPerUnit <= 0n) throw new RangeError('quotaPerUnit must be positive');
  const negative = quota < 0n;
  const magnitude = negative ? -quota : quota;
  const cents = (magnitude * 100n) / quotaPerUnit;
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${negative && cents > 0n ? '-' : ''}${whole}.${fraction}`;
}

/**
 * Parses a decimal amount of currency ("12", "12.5", "12.50") into quota units.
 * Refuses more than two decimal places and anything that is not a plain number.
 */
export function parseAmount(amount: string, quotaPerUnit: bigint): bigint {
  const match = /^(\d{1,30})(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError('amount must be a number with at most two decimal places');
  const cents = BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return (cents * quotaPerUnit) / 100n;
}
