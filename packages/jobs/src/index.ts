export { JOB_SCHEMA, type PgBossQueueOptions, startPgBossQueue } from './pg-boss-queue.js';
export { RELEASE_EXPIRED_HOLDS, releaseExpiredHolds } from './release-expired-holds.js';
export { RETENTION, type RetentionReport, runRetention } from './retention.js';
export { postWebhook } from './webhook-sender.js';
export {
  deliverWebhook,
  dispatchWebhooks,
  WEBHOOK_DELIVER,
  WEBHOOK_DISPATCH,
  type WebhookDeliveryObserver,
  type WebhookWorkerOptions,
} from './webhooks.js';
export { JOB_QUEUES, startWorkers, type WorkerDependencies } from './workers.js';
