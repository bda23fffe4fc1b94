import type { Config, Stores } from '@gatehouse/core';
import {
  createFastify,
  createMetrics,
  instrumentStores,
  type ServiceOptions,
  type Tracing,
} from '@gatehouse/service-kit';
import { createTestStores, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { stackApp } from './app.js';
import { freePort } from './testing/processes.js';

export interface RunningStack {
  app: FastifyInstance;
  stores: Stores;
  config: Config;
  /** e.g. http://127.0.0.1:40123 — also the issuer. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The whole stack on a real loopback port with fresh test stores: for end-to-end tests
 * that need real HTTP (third-party client libraries, the SDK, browsers).
 */
export async function startTestStack(
  env: Record<string, string> = {},
  options: {
    logStream?: { write(line: string): void };
    /** The issuer's host (it listens on 127.0.0.1 either way); `localhost` where an IP will not do (WebAuthn RP IDs). */
    issuerHost?: string;
    tracing?: Tracing;
    /** Runs the durable job queue and its workers (webhook deliveries, hold expiry), as a server does. */
    jobs?: boolean;
  } = {},
): Promise<RunningStack> {
  const port = await freePort();
  const origin = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`;
  const config = testConfig({ PORT: String(port), ISSUER: origin, ...env });
  const metrics = createMetrics();
  // As runServer does: store calls are measured (and traced when tracing is on).
  const stores = instrumentStores(await createTestStores({ jobs: options.jobs ?? false }), metrics, {
    traced: Boolean(options.tracing),
  });
  const app = createFastify(config, stores, () => false, {
    logStream: options.logStream,
    tracing: options.tracing,
    metrics,
  });
  await app.register(stackApp, { config, stores } satisfies ServiceOptions);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    stores,
    config,
    origin,
    async close() {
      await app.close();
      await stores.close();
    },
  };
}
