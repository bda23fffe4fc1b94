import { type Stores, StoreUnavailableError } from '@gatehouse/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from './health.js';

/** Readiness logic alone; the real stores are exercised by services/stack's outage tests. */
function storesWith(db: () => Promise<void>, cache: () => Promise<void>): Stores {
  return { db: { ping: db }, cache: { ping: cache } } as unknown as Stores;
}

/** The warn-level log lines the app wrote. */
let logged: Record<string, unknown>[] = [];
const logStream = { write: (line: string) => logged.push(JSON.parse(line)) };

async function readyz(stores: Stores, draining = false) {
  logged = [];
  const app = Fastify({ logger: { level: 'warn', stream: logStream } });
  await app.register(healthRoutes, { stores, isDraining: () => draining, timeoutMs: 200 });
  const response = await app.inject('/readyz');
  await app.close();
  return response;
}

const ok = async () => {};
const down = async () => {
  throw new StoreUnavailableError('database');
};
const hangs = () => new Promise<void>(() => {});

describe('health routes', () => {
  it('/healthz answers while the process lives', async () => {
    const app = Fastify();
    await app.register(healthRoutes, { stores: storesWith(down, down), isDraining: () => false });
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when both stores answer', async () => {
    const response = await readyz(storesWith(ok, ok));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', database: 'ok', cache: 'ok' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['database', storesWith(down, ok), { database: 'unavailable', cache: 'ok' }],
    ['cache', storesWith(ok, down), { database: 'ok', cache: 'unavailable' }],
    ['a hanging cache', storesWith(ok, hangs), { database: 'ok', cache: 'unavailable' }],
  ])('/readyz is 503 naming the failed store: %s', async (_name, stores, states) => {
    const response = await readyz(stores);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', ...states });
  });

  it('logs why it is not ready: each store’s state, time and failure, without error messages', async () => {
    await readyz(storesWith(down, hangs));
    expect(logged).toMatchObject([
      {
        level: 40,
        msg: 'not ready: a store did not answer the probe',
        timeoutMs: 200,
        database: { state: 'unavailable', failure: 'StoreUnavailableError', ms: expect.any(Number) },
        cache: { state: 'unavailable', failure: 'timeout', ms: expect.any(Number) },
      },
    ]);
    expect((logged[0]!.cache as { ms: number }).ms).toBeGreaterThanOrEqual(190);
    expect(JSON.stringify(logged)).not.toContain('database unavailable');
  });

  it('logs nothing while ready', async () => {
    await readyz(storesWith(ok, ok));
    expect(logged).toEqual([]);
  });

  it('/readyz is 503 while draining, even with healthy stores', async () => {
    const response = await readyz(storesWith(ok, ok), true);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'draining' });
  });
});
