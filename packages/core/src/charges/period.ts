/**
 * Allowance periods are calendar periods in UTC (SEC-87): `day` starts at 00:00 UTC, `week` on
 * Monday 00:00 UTC, `month` on the 1st at 00:00 UTC; `total` never resets. Usage is kept per
 * period start, so a new period needs no reset job: it simply has no usage yet.
 */
export const chargePeriods = ['day', 'week', 'month', 'total'] as const;
export type ChargePeriod = (typeof chargePeriods)[number];

const DAY_MS = 86_400_000;

export function isChargePeriod(value: unknown): value is ChargePeriod {
  return typeof value === 'string' && (chargePeriods as readonly string[]).includes(value);
}

/** The start of the period that contains `at`; the epoch for `total`. */
export function periodStart(period: ChargePeriod, at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (period) {
    case 'day':
      return new Date(day);
    case 'week': {
      // getUTCDay: Sunday 0 … Saturday 6; days since Monday.
      const sinceMonday = (at.getUTCDay() + 6) % 7;
      return new Date(day - sinceMonday * DAY_MS);
    }
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    case 'total':
      return new Date(0);
  }
}

/** When the period containing `at` ends (the next reset); null for `total`. */
export function nextReset(period: ChargePeriod, at: Date): Date | null {
  const start = periodStart(period, at);
  switch (period) {
    case 'day':
      return new Date(start.getTime() + DAY_MS);
    case 'week':
      return new Date(start.getTime() + 7 * DAY_MS);
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case 'total':
      return null;
  }
}
