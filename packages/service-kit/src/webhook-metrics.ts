import { backlogAgeSeconds, DELIVERY_OUTCOMES, type DeliveryOutcome } from '@gatehouse/core/webhooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Webhook delivery metrics: tries by a bounded outcome, the time of each request, and the
 * backlog (pending events) read from the database at scrape time. No client or user label:
 * the console's deliveries page is the per-app view.
 */
export interface WebhookMetrics {
  deliveries: Counter<'outcome'>;
  duration: Histogram;
  /** The job workers' observer (see @gatehouse/jobs WebhookDeliveryObserver). */
  delivery(outcome: DeliveryOutcome, seconds: number | null): void;
  /**
   * Makes `gatehouse_webhook_backlog` and `gatehouse_webhook_backlog_oldest_seconds` read
   * `read()` on each scrape (two indexed queries, the count capped). Only the process that
   * works the queue calls it, so the series exist once per deployment's resource services.
   */
  watchBacklog(read: () => Promise<{ count: number; oldestCreatedAt: Date | null }>, now?: () => Date): void;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const deliveries = new Counter({
    name: 'gatehouse_webhook_deliveries_total',
    help: 'Webhook delivery tries by outcome (delivered, failed_retrying, failed_final, refused_destination, no_endpoint).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Every outcome from the start, so a rate over it is 0, not absent, before the first failure.
  for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ outcome }, 0);
  const duration = new Histogram({
    name: 'gatehouse_webhook_delivery_duration_seconds',
    help: 'Time of each webhook request, from connecting to the end of the response (5 s at most).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  let watched = false;
  return {
    deliveries,
    duration,
    delivery(outcome, seconds) {
      deliveries.inc({ outcome });
      if (seconds !== null) duration.observe(seconds);
    },
    watchBacklog(read, now = () => new Date()) {
      if (watched) return;
      watched = true;
      let last = { count: 0, oldestCreatedAt: null as Date | null };
      const refresh = async () => {
        // A database that does not answer must not fail the whole scrape: the last reading stays.
        last = await read().catch(() => last);
      };
      // collect() runs for each gauge on every scrape: one read serves both.
      let pending: Promise<void> | null = null;
      const once = () => {
        pending ??= refresh().finally(() => {
          pending = null;
        });
        return pending;
      };
      new Gauge({
        name: 'gatehouse_webhook_backlog',
        help: 'Webhook events not yet delivered nor given up (counted up to 100000).',
        registers: [registry],
        async collect() {
          await once();
          this.set(last.count);
        },
      });
      new Gauge({
        name: 'gatehouse_webhook_backlog_oldest_seconds',
        help: 'Age of the oldest webhook event not yet delivered nor given up (0 when none).',
        registers: [registry],
        async collect() {
          await once();
          this.set(backlogAgeSeconds(last.oldestCreatedAt, now()));
        },
      });
    },
  };
}
