/**
 * How one delivery try ended, as the metrics count it: a bounded set, never a client or user.
 * `refused_destination` — the host resolved to an address the policy refuses (SEC-93), so
 * nothing was sent; `failed_retrying` — another try follows; `failed_final` — the last try
 * failed and the event is `failed`; `no_endpoint` — the app removed its URL meanwhile.
 */
export type DeliveryOutcome =
  | 'delivered'
  | 'failed_retrying'
  | 'failed_final'
  | 'refused_destination'
  | 'no_endpoint';

export const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = [
  'delivered',
  'failed_retrying',
  'failed_final',
  'refused_destination',
  'no_endpoint',
];

/** The most `WebhookStore.backlog` counts, so a scrape stays cheap: beyond it the gauge reads this. */
export const BACKLOG_COUNT_CAP = 100_000;

/** A try's outcome from its result: a 2xx is delivered; anything else (a 3xx too) failed. */
export function deliveryOutcome(
  result: { status: number | null; refused: boolean },
  final: boolean,
): DeliveryOutcome {
  if (result.status !== null && result.status >= 200 && result.status < 300) return 'delivered';
  if (result.refused) return 'refused_destination';
  return final ? 'failed_final' : 'failed_retrying';
}

/** Seconds the oldest pending event has waited (0 when none): the backlog-age gauge. */
export function backlogAgeSeconds(oldestCreatedAt: Date | null, now: Date): number {
  if (oldestCreatedAt === null) return 0;
  return Math.max(0, (now.getTime() - oldestCreatedAt.getTime()) / 1000);
}
