import { type Config, formatQuota, SCOPES } from '@gatehouse/core';

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/** A moment for people and for machines (`<time datetime>`). */
export interface When {
  iso: string;
  text: string;
  date: string;
}

export function when(date: Date): When {
  return { iso: date.toISOString(), text: `${dateTime.format(date)} UTC`, date: dateOnly.format(date) };
}

/** "12.50 USD" (rounded toward zero, never more than the user holds). */
export function money(quota: bigint, config: Pick<Config, 'quotaPerUnit' | 'currency'>): string {
  return `${formatQuota(quota, config.quotaPerUnit)} ${config.currency}`;
}

/** "+12.50 USD" / "−3.00 USD" for a ledger change. */
export function signedMoney(quota: bigint, config: Pick<Config, 'quotaPerUnit' | 'currency'>): string {
  const magnitude = money(quota < 0n ? -quota : quota, config);
  return quota < 0n ? `−${magnitude}` : `+${magnitude}`;
}

/** A scope in the words the consent page uses. */
export function scopeText(scope: string): string {
  return Object.hasOwn(SCOPES, scope) ? SCOPES[scope as keyof typeof SCOPES] : scope;
}
