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

interface ProbeResult {
  state: 'ok' | 'unavailable';
  /** How long the store took to answer or to fail (the timeout, when it did not answer). */
  ms: number;
  /** Why it failed: `timeout` or the error's name; never its message, which may quote connection details. */
  failure?: string;
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { state: 'ok', ms: elapsed() };
  } catch (error) {
    const failure = error instanceof ProbeTimeout ? 'timeout' : ((error as Error)?.name ?? 'error');
    return { state: 'unavailable', ms: elapsed(), failure };
  } finally {
    clearTimeout(timer);
  }
}

class ProbeTimeout extends Error {}

/** `GET /healthz` (the process is alive) and `GET /readyz` (database and cache reachable, not draining). */
export const healthRoutes = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    const timeoutMs = options.timeoutMs ?? 1000;
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (options.isDraining()) return reply.code(503).send({ status: 'draining' });
      const [database, cache] = await Promise.all([
        probe(() => options.stores.db.ping(), timeoutMs),
        probe(() => options.stores.cache.ping(), timeoutMs),
      ]);
      const ready = database.state === 'ok' && cache.state === 'ok';
      // The gateway takes an instance out of rotation on this answer; the log says why.
      if (!ready)
        request.log.warn({ database, cache, timeoutMs }, 'not ready: a store did not answer the probe');
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unavailable', database: database.state, cache: cache.state });
    });
  },
  { name: 'gatehouse-health', fastify: '5.x' },
);
