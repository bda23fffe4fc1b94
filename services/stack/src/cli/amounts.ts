import { parseAmount } from '@gatehouse/core';
import { CliError } from './admin-client.js';

/** `--quota <units>` or `--amount <currency>`: exactly one; returns quota units as a JSON-safe number. */
export function quotaFrom(
  values: Record<string, string | boolean | undefined>,
  quotaPerUnit: bigint,
): number {
  const { quota, amount } = values;
  if ((quota === undefined) === (amount === undefined)) {
    throw new CliError('give exactly one of --amount <currency, e.g. 10.00> or --quota <integer units>', 2);
  }
  let units: bigint;
  if (typeof amount === 'string') {
    try {
      units = parseAmount(amount, quotaPerUnit);
    } catch {
      throw new CliError(`--amount must be a number with at most two decimals (got "${amount}")`, 2);
    }
  } else {
    if (typeof quota !== 'string' || !/^\d+$/.test(quota)) {
      throw new CliError(`--quota must be a whole number of quota units (got "${quota}")`, 2);
    }
    units = BigInt(quota);
  }
  if (units <= 0n) throw new CliError('the amount must be greater than zero', 2);
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw new CliError('the amount is too large', 2);
  return Number(units);
}

export function positiveInt(name: string, raw: string | boolean | undefined, max: number): number {
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new CliError(`${name} must be a whole number from 1 to ${max}`, 2);
  }
  return Number(raw);
}

export function requireArg(positionals: string[], index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined) throw new CliError(`missing ${name}`, 2);
  return value;
}
