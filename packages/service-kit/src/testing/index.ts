import { createTestCache } from '@gatehouse/cache/testing';
import { type Config, loadConfig, type Stores } from '@gatehouse/core';
import { sqlExecutorOf, withStartupLock } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { JOB_QUEUES, startPgBossQueue } from '@gatehouse/jobs';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import { withRememberedClients } from '../remembered-clients.js';
import { createFastify } from '../run-server.js';
import type { ServiceOptions } from '../types.js';

/**
 * Fresh stores for one test file: a new migrated database (PGlite, or real Postgres
 * when DATABASE_URL is set) and a cache (memory, or Redis with a private key prefix
 * when REDIS_URL is set). Call once per file (beforeAll) and close in afterAll.
 */
/** A test file's own stores, closed when the file is done. */
export type TestStores = Stores & { close(): Promise<void> };

export async function createTestStores(options: { jobs?: boolean } = {}): Promise<TestStores> {
  const [database, cache] = await Promise.all([createTestDatabase(), createTestCache()]);
  // `jobs`: the durable queue on this database, as openStores has it (polled often, for tests
  // that wait on a delivery); without it, nothing works jobs in the background.
  const jobs = options.jobs
    ? await withStartupLock(database.database, () =>
        startPgBossQueue({
          executor: sqlExecutorOf(database.database),
          queues: JOB_QUEUES,
          pollingIntervalSeconds: 0.5,
        }),
      )
    : undefined;
  // As openStores does: every test authenticates clients through the remembered copy.
  return withRememberedClients({
    db: database.stores,
    cache,
    ...(jobs ? { jobs } : {}),
    async close() {
      await jobs?.stop();
      await Promise.allSettled([cache.close(), database.close()]);
    },
  });
}

/** A development config for tests; `overrides` are environment variables. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ISSUER: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    ...overrides,
  });
}

/**
 * An app as a service runs it (logger, health routes, the service's error handler),
 * ready for `inject`. Never listens.
 */
export async function buildTestApp(
  register: (app: FastifyInstance, options: ServiceOptions) => Promise<void>,
  options: { stores: Stores; config?: Config },
): Promise<FastifyInstance> {
  const config = options.config ?? testConfig();
  const app = createFastify(config, options.stores, () => false);
  await register(app, { config, stores: options.stores });
  await app.ready();
  return app;
}

export { linkIn, type ReceivedMail, type SmtpSink, startSmtpSink } from '../mail/smtp-sink.js';

/** One sample's value in a registry's text exposition, or null when the series does not exist. */
export async function metricSample(metrics: Metrics, series: string): Promise<number | null> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}
export { injectTransport } from './inject-transport.js';
export * from './world.js';
