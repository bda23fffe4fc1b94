import { randomUUID } from 'node:crypto';
import { CliError } from './admin-client.js';

/** The body fields that name an amount of money in the admin API. */
export type MoneyFields = { quota: number } | { amount: string };

/**
 * `--amount <currency>` or `--quota <units>`, exactly one, as the admin API takes them.
 * The server converts amounts with its own QUOTA_PER_UNIT, so the CLI never needs it.
 */
export function moneyFrom(values: Record<string, string | boolean | undefined>): MoneyFields {
  const { quota, amount } = values;
  if ((quota === undefined) === (amount === undefined)) {
    throw new CliError('give exactly one of --amount <currency, e.g. 10.00> or --quota <integer units>', 2);
  }
  if (typeof amount === 'string') {
    if (!/^\d{1,30}(\.\d{1,2})?$/.test(amount) || /^[0.]+$/.test(amount)) {
      throw new CliError(`--amount must be a positive number with at most two decimals (got "${amount}")`, 2);
    }
    return { amount };
  }
  if (typeof quota !== 'string' || !/^\d+$/.test(quota) || BigInt(quota) < 1n) {
    throw new CliError(`--quota must be a whole number of quota units above zero (got "${quota}")`, 2);
  }
  if (BigInt(quota) > BigInt(Number.MAX_SAFE_INTEGER)) throw new CliError('the amount is too large', 2);
  return { quota: Number(quota) };
}

/** The options of every command that moves money. */
export const MONEY_OPTIONS = {
  amount: { type: 'string' },
  quota: { type: 'string' },
  reason: { type: 'string' },
  'idempotency-key': { type: 'string' },
} as const;

/** The `--idempotency-key` line of such a command's help. */
export const IDEMPOTENCY_KEY_HELP =
  '--idempotency-key <key>    reuse it to retry safely; a new one is generated and printed if omitted';

/** The key given, or a new one: the command prints it, so a retry after a lost answer can reuse it. */
export function idempotencyKeyFrom(values: Record<string, string | boolean | undefined>): string {
  const key = values['idempotency-key'];
  return typeof key === 'string' ? key : randomUUID();
}

/** `{amount: "750.00", currency: "USD", quota}` as the admin API sends money, for people. */
export interface Money {
  amount: string;
  currency: string;
  quota: number;
}

export function moneyText(money: Money | undefined): string {
  return money ? `${money.amount} ${money.currency}` : '-';
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
