import { startWorkers } from '@gatehouse/jobs';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The resource service is the one that works the job queue (and so the one-process stack):
 * it owns the charges the jobs act on, and authorize and token stay free of background work.
 * Workers start once the app is ready; the queue is stopped — running jobs finish — when
 * the stores close on shutdown.
 */
export const jobWorkers: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const { jobs } = stores;
  if (!jobs) return;
  const webhookMetrics = app.hasDecorator('metrics') ? app.metrics.webhooks : undefined;
  webhookMetrics?.watchBacklog(() => stores.db.webhooks.backlog());
  app.addHook('onReady', async () => {
    await startWorkers(jobs, { db: stores.db, config, webhookObserver: webhookMetrics });
  });
};
