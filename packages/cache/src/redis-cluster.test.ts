import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type CacheStores, StoreUnavailableError } from '@gatehouse/core';
import { describeCacheStoresContract } from '@gatehouse/core/testing';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRedis, type RedisClient } from './redis/connect.js';
import { deleteKeysWithPrefix } from './redis/delete-keys.js';
import { redisCacheOn } from './redis/index.js';
import {
  sampleCodeData as codeData,
  createTestCache,
  sampleTokenData as tokenData,
} from './testing/index.js';

const clusterUrl = inject('redisClusterUrl');
const clusterDir = inject('redisClusterDir');

/**
 * The cache ports on a real local Redis Cluster (3 masters + 3 replicas on loopback, started
 * once per run by cluster-setup.ts): the same contract suite as on one Redis, then failover.
 */
describe.skipIf(!clusterUrl)('redis cache on a Redis Cluster', () => {
  describeCacheStoresContract(() => createTestCache(clusterUrl));

  it('uses a Cluster client for a redis+cluster:// URL, and every script keeps to one slot', async () => {
    const client = await connectRedis(clusterUrl);
    try {
      expect(client).toBeInstanceOf(Cluster);
      // Spread over all three masters: a family's token and set in different slots is the
      // case the one-slot halves exist for, and it works.
      const prefix = `ghtest:slots-${Date.now()}:`;
      const cache = redisCacheOn(client, prefix);
      const families = Array.from({ length: 12 }, (_, i) => `family-${i}`);
      for (const familyId of families) {
        await cache.accessTokens.put(`${familyId}-a`, { ...tokenData, familyId }, 60);
        await cache.accessTokens.put(`${familyId}-b`, { ...tokenData, familyId }, 60);
      }
      for (const familyId of families) {
        expect(await cache.accessTokens.revokeFamily(familyId)).toBe(2);
        expect(await cache.accessTokens.get(`${familyId}-a`)).toBeNull();
      }
      const split = families.filter(
        (familyId) =>
          calculateSlot(`${prefix}gh:at:${familyId}-a`) !== calculateSlot(`${prefix}gh:fam:${familyId}`),
      );
      expect(split.length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  describe('failover', () => {
    const prefix = `ghtest:failover-${Date.now()}:`;
    let client: RedisClient;
    let cache: CacheStores;
    beforeAll(async () => {
      client = await connectRedis(clusterUrl);
      cache = redisCacheOn(client, prefix);
    });
    afterAll(async () => {
      await deleteKeysWithPrefix(client, prefix).catch(() => {});
      await cache?.close();
    });

    it('refuses to hand out a code as fresh until its replica has the spending (SEC-75)', async () => {
      const code = 'unreplicated';
      await cache.codes.put(code, codeData, 60);
      const master = masterServing(`${prefix}gh:code:${code}`);
      const replica = replicaOf(master.port);
      process.kill(replica, 'SIGSTOP');
      try {
        await expect(cache.codes.consume(code, 60)).rejects.toBeInstanceOf(StoreUnavailableError);
      } finally {
        process.kill(replica, 'SIGCONT');
      }
      // The master did spend it: a retry is a replay, never a second fresh code.
      await eventually(async () => (await cache.codes.consume(code, 60)).kind === 'replayed', 10_000);
    });

    // Three times in a row, each time a different master: the bar for "it works".
    for (const round of [1, 2, 3]) {
      it(`round ${round}: a master dies under load — 503 at worst, no code fresh twice, back within seconds`, async () => {
        const codes = Array.from({ length: 60 }, (_, i) => `r${round}-code-${i}`);
        for (const code of codes) await cache.codes.put(code, codeData, 120);
        const master = masterServing(`${prefix}gh:code:${codes[0]}`);

        const outcomes: string[] = [];
        const fresh = new Set<string>();
        const consumeAll = async () => {
          for (const code of codes) {
            try {
              const result = await cache.codes.consume(code, 120);
              outcomes.push(result.kind);
              if (result.kind === 'fresh') {
                expect(fresh.has(code), `${code} was fresh twice`).toBe(false);
                fresh.add(code);
              }
            } catch (error) {
              // The only acceptable failure: the store said it is unavailable (503 upstream).
              expect(error).toBeInstanceOf(StoreUnavailableError);
              outcomes.push('unavailable');
            }
          }
        };
        // A code whose key lives on the master about to die: recovery is timed on it.
        const probe = codeOnSlots(prefix, `r${round}-probe`, master.slots);
        const load = consumeAll();
        process.kill(master.pid, 'SIGKILL');
        const downAt = Date.now();
        await load;

        // Recovery without a restart of the client: the dead master's slots take writes again
        // (on its promoted replica) within seconds.
        await eventually(async () => {
          await cache.codes.put(probe, codeData, 60);
          return (await cache.codes.consume(probe, 60)).kind === 'fresh';
        }, 15_000);
        const recoveredMs = Date.now() - downAt;
        expect(recoveredMs).toBeLessThan(15_000);
        const unavailable = outcomes.filter((outcome) => outcome === 'unavailable').length;
        console.info(
          `round ${round}: ${unavailable}/${codes.length} consumes unavailable; its slots back after ${recoveredMs} ms`,
        );

        // After the failover no code that was handed out fresh is fresh again.
        for (const code of codes) {
          try {
            const again = await cache.codes.consume(code, 120);
            if (fresh.has(code)) expect(again.kind, code).not.toBe('fresh');
          } catch (error) {
            expect(error).toBeInstanceOf(StoreUnavailableError);
          }
        }
        expect(outcomes.length).toBe(codes.length);

        // The killed node comes back as a replica, so the next round has a full cluster.
        restartNode(master.port);
        await eventually(async () => replicasUp() === 3, 20_000);
      }, 60_000);
    }
  });
});

interface Master {
  pid: number;
  port: number;
  slots: [number, number][];
}

/** The redis-server process that is master for `key`'s slot right now, and all its slots. */
function masterServing(key: string): Master {
  const slot = calculateSlot(key);
  const nodes = execFileSync('redis-cli', ['-p', '7100', 'cluster', 'nodes'], { encoding: 'utf8' });
  for (const line of nodes.trim().split('\n')) {
    const [, address, flags, , , , , , ...ranges] = line.split(' ');
    if (!flags?.includes('master') || flags.includes('fail')) continue;
    const slots = ranges.map((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return [from!, to!] as [number, number];
    });
    if (slots.some(([from, to]) => slot >= from && slot <= to)) {
      const port = Number(address!.split('@')[0]!.split(':')[1]);
      const pid = Number(readFileSync(`${clusterDir}/${port}/redis.pid`, 'utf8'));
      return { pid, port, slots };
    }
  }
  throw new Error(`no master for slot ${slot}`);
}

/** The pid of the replica of the master on `port`. */
function replicaOf(port: number): number {
  const nodes = execFileSync('redis-cli', ['-p', String(port), 'cluster', 'nodes'], { encoding: 'utf8' });
  const lines = nodes
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const masterId = lines.find(([, address]) => address!.startsWith(`127.0.0.1:${port}@`))![0];
  const replica = lines.find(([, , flags, master]) => flags!.includes('slave') && master === masterId);
  if (!replica) throw new Error(`the master on ${port} has no replica`);
  const replicaPort = Number(replica[1]!.split('@')[0]!.split(':')[1]);
  return Number(readFileSync(`${clusterDir}/${replicaPort}/redis.pid`, 'utf8'));
}

/** A code id whose cache key hashes into one of `slots`. */
function codeOnSlots(prefix: string, base: string, slots: [number, number][]): string {
  for (let i = 0; ; i++) {
    const slot = calculateSlot(`${prefix}gh:code:${base}-${i}`);
    if (slots.some(([from, to]) => slot >= from && slot <= to)) return `${base}-${i}`;
  }
}

function restartNode(port: number): void {
  execFileSync('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `${clusterDir}/${port}/nodes.conf`,
    '--cluster-node-timeout',
    '1000',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    `${clusterDir}/${port}`,
    '--logfile',
    `${clusterDir}/${port}/redis.log`,
    '--pidfile',
    `${clusterDir}/${port}/redis.pid`,
  ]);
}

function replicasUp(): number {
  let up = 0;
  for (let port = 7100; port <= 7105; port++) {
    try {
      const info = execFileSync('redis-cli', ['-p', String(port), 'info', 'replication'], {
        encoding: 'utf8',
      });
      if (/^master_link_status:up/m.test(info)) up++;
    } catch {
      // a node that is not up yet
    }
  }
  return up;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
