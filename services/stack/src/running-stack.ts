import { createServer } from 'node:net';
import type { Config, Stores } from '@gatehouse/core';
import { createFastify, type ServiceOptions } from '@gatehouse/service-kit';
import { createTestStores, testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { stackApp } from './app.js';

export interface RunningStack {
  app: FastifyInstance;
  stores: Stores;
  config: Config;
  /** e.g. http://127.0.0.1:40123 — also the issuer. */
  origin: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The whole stack on a real loopback port with fresh test stores: for end-to-end tests
 * that need real HTTP (third-party client libraries, the SDK, browsers).
 */
export async function startTestStack(env: Record<string, string> = {}): Promise<RunningStack> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = testConfig({ PORT: String(port), ISSUER: origin, ...env });
  const stores = await createTestStores();
  const app = createFastify(config, stores, () => false);
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
