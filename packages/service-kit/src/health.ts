import type { Stores } from '@gatehouse/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface HealthOptions {
  stores: Stores;
  /** True once shutdown has begun: readiness turns 503 so the gateway stops sending traffic. */
  isDraining(): boolean;
  /** How long one store may take to answer a readiness probe. */
  timeoutMs?: number;
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz` (the process is alive) and `GET /readyz` (database and cache reachable, not draining). */
export const healthRoutes = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    const timeoutMs = options.timeoutMs ?? 1000;
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      if (options.isDraining()) return reply.code(503).send({ status: 'draining' });
      const [database, cache] = await Promise.all([
        probe(() => options.stores.db.ping(), timeoutMs),
        probe(() => options.stores.cache.ping(), timeoutMs),
      ]);
      const ready = database === 'ok' && cache === 'ok';
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, cache });
    });
  },
  { name: 'gatehouse-health', fastify: '5.x' },
);
