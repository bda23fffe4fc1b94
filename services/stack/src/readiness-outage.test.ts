import { existsSync } from 'node:fs';
import { createRedisCache } from '@gatehouse/cache';
import { newClientCredentials, type Stores } from '@gatehouse/core';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { createFastify } from '@gatehouse/service-kit';
import { testConfig } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackApp } from './app.js';
import { type Child, eventually, freePort, startProcess } from './testing/processes.js';

const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * SEC-27 at the service level: stopping Redis turns /readyz 503
 * within 2 s and the token and resource endpoints fail closed with 503 JSON;
 * starting it again brings everything back without restarting the service.
 * Uses a throwaway redis-server on its own port, never the shared one.
 */
describe.skipIf(!existsSync(REDIS_SERVER))('when Redis goes away and comes back', () => {
  let port: number;
  let redis: Child | undefined;
  let database: TestDatabase;
  let app: FastifyInstance;
  let stores: Stores;
  const client = newClientCredentials();

  const startRedis = async () => {
    redis = startProcess(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        PATH: process.env.PATH,
      },
    );
    await redis.waitFor(/Ready to accept connections/, 10_000);
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    database = await createTestDatabase();
    const cache = await createRedisCache({ url: `redis://127.0.0.1:${port}` });
    stores = { db: database.stores, cache };
    app = createFastify(testConfig(), stores, () => false);
    await app.register(stackApp, { config: testConfig(), stores });
    await app.ready();
    await database.stores.clients.create({
      clientId: client.clientId,
      secretHash: client.secretHash,
      name: 'Outage App',
      redirectUris: ['http://localhost/cb'],
    });
  });

  afterAll(async () => {
    await app?.close();
    await stores?.cache.close();
    await database?.close();
    redis?.process.kill('SIGKILL');
  });

  const readyStatus = async () => (await app.inject('/readyz')).statusCode;

  it('turns /readyz 503 within 2 s, fails closed, and recovers within 2 s', async () => {
    expect(await readyStatus()).toBe(200);

    redis!.process.kill('SIGKILL');
    await redis!.exited;
    await eventually(async () => (await readyStatus()) === 503, 2000);
    expect((await app.inject('/readyz')).json()).toMatchObject({ database: 'ok', cache: 'unavailable' });

    const token = await app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'gth_ac_unknown',
        redirect_uri: 'http://localhost/cb',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.statusCode).toBe(503);
    expect(token.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const userinfo = await app.inject({
      url: '/api/oauth2/userinfo',
      headers: { authorization: 'Bearer gth_at_x' },
    });
    expect(userinfo.statusCode).toBe(503);
    expect(userinfo.headers['content-type']).toMatch(/application\/json/);

    await startRedis();
    await eventually(async () => (await readyStatus()) === 200, 2000);
  });
});
