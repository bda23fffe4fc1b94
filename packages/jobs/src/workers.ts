import { type Config, type DurableStores, type JobQueue, keyEncryptionSecret } from '@gatehouse/core';
import { deriveWebhookSecretKey } from '@gatehouse/core/webhooks';
import {
  RELEASE_EXPIRED_HOLDS,
  RELEASE_EXPIRED_HOLDS_CRON,
  releaseExpiredHolds,
} from './release-expired-holds.js';
import { RETENTION, RETENTION_CRON, runRetention } from './retention.js';
import {
  startWebhookWorkers,
  WEBHOOK_DELIVER,
  WEBHOOK_DISPATCH,
  type WebhookDeliveryObserver,
} from './webhooks.js';

/** Every queue Gatehouse uses: created at start, so any transaction can enqueue into them. */
export const JOB_QUEUES: readonly string[] = [
  RELEASE_EXPIRED_HOLDS,
  WEBHOOK_DISPATCH,
  WEBHOOK_DELIVER,
  RETENTION,
];

export interface WorkerDependencies {
  db: DurableStores;
  config: Pick<Config, 'env' | 'keyEncryptionKey' | 'webhookMaxAttempts' | 'auditRetentionDays'>;
  now?: () => Date;
  /** Base seconds of the retry backoff (default 450: 8 tries span ≈ 24 h; tests use 0). */
  webhookRetryDelaySeconds?: number;
  /** Counts webhook tries (the resource service passes its metrics). */
  webhookObserver?: WebhookDeliveryObserver;
}

/**
 * Makes this process a worker of every Gatehouse job and declares the recurring ones. Called
 * by the resource service (so by the one-process stack too): however many instances run,
 * each scheduled tick becomes one job and each job runs in one of them.
 */
export async function startWorkers(queue: JobQueue, deps: WorkerDependencies): Promise<void> {
  const now = deps.now ?? (() => new Date());
  await queue.work(RELEASE_EXPIRED_HOLDS, async () => {
    await releaseExpiredHolds(deps.db.charges, now());
  });
  await queue.schedule(RELEASE_EXPIRED_HOLDS, RELEASE_EXPIRED_HOLDS_CRON);
  await queue.work(RETENTION, async () => {
    await runRetention(deps.db.retention, now(), deps.config);
  });
  await queue.schedule(RETENTION, RETENTION_CRON);
  await startWebhookWorkers(queue, {
    db: deps.db,
    maxAttempts: deps.config.webhookMaxAttempts,
    retryDelaySeconds: deps.webhookRetryDelaySeconds ?? 450,
    secretKey: deriveWebhookSecretKey(keyEncryptionSecret(deps.config)),
    policy: { production: deps.config.env === 'production' },
    now,
    observer: deps.webhookObserver,
  });
}
