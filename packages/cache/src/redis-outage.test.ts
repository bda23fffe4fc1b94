import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { type CacheStores, StoreUnavailableError } from '@gatehouse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCache } from './index.js';
import { sampleCodeData as codeData } from './testing/index.js';

// Runs its own throwaway redis-server on a free port, so that it can kill, pause and restart it
// without touching the shared Redis.
const REDIS_SERVER = '/usr/bin/redis-server';
const session = { userId: 1, csrfToken: 'c', authTime: 0 };

describe.skipIf(!existsSync(REDIS_SERVER))('redis cache when Redis goes away', () => {
  let port: number;
  let server: ChildProcess | undefined;
  let cache: CacheStores;

  beforeAll(async () => {
    port = await freePort();
    server = await startRedis(port);
    cache = await createRedisCache({ url: `redis://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await cache?.close();
    if (server) await stopRedis(server, 'SIGKILL');
  });

  it('fails within 2 s while Redis is down and recovers within 2 s once it is back', async () => {
    await cache.sessions.put('s', session, 60);
    await stopRedis(server!, 'SIGKILL');

    await expectUnavailable(cache.ping());
    await expectUnavailable(cache.sessions.get('s'));
    await expectUnavailable(cache.codes.consume('c', 60));
    await expectUnavailable(cache.accessTokens.get('t'));
    await expectUnavailable(cache.accessTokens.put('t', tokenData, 60));
    await expectUnavailable(cache.rateLimits.hit('r', 60));
    await expectUnavailable(cache.stamps.get('st'));
    await expectUnavailable(cache.stamps.claim('st', 'v', 60));
    await expectUnavailable(cache.stamps.set('st', 'v', 60));
    // Stay down long enough for the reconnect delay to reach its cap, then check it is still fast.
    await sleep(2000);
    await expectUnavailable(cache.ping());

    server = await startRedis(port);
    const backAt = Date.now();
    await eventually(() => cache.ping(), 2000);
    expect(Date.now() - backAt).toBeLessThan(2000);
    // A fresh server: the old session is gone, scripts must be loaded again, and all of it works.
    expect(await cache.sessions.get('s')).toBeNull();
    await cache.codes.put('c', codeData, 60);
    expect(await cache.codes.consume('c', 60)).toMatchObject({ kind: 'fresh' });
  });

  it('fails within 2 s while Redis is connected but silent, and answers again once it resumes', async () => {
    server!.kill('SIGSTOP');
    try {
      await Promise.all([expectUnavailable(cache.ping()), expectUnavailable(cache.accessTokens.get('t'))]);
    } finally {
      server!.kill('SIGCONT');
    }
    await eventually(() => cache.ping(), 2000);
    expect(await cache.codes.consume('c', 60)).toMatchObject({ kind: 'replayed' });
  });

  it('refuses to start without a reachable Redis, within a few seconds', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expectUnavailable(createRedisCache({ url }), 5000);
  });
});

async function expectUnavailable(operation: Promise<unknown>, withinMs = 2000): Promise<void> {
  const startedAt = Date.now();
  await expect(operation).rejects.toBeInstanceOf(StoreUnavailableError);
  expect(Date.now() - startedAt).toBeLessThan(withinMs);
}

/** Retries `operation` until it succeeds, failing with its last error after `withinMs`. */
async function eventually(operation: () => Promise<unknown>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await operation();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(address)));
    });
  });
}

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
  });
}

function stopRedis(server: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill(signal);
  });
}

const tokenData = { ...codeData, clientPublicId: 'app', issuedAt: 0, expiresAt: 60 };
