import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCommands } from '../gatehouse/redis.js';
import { type RedisServer, startRedisServer } from '../redis-server.js';
import { grantKeyFor, RedisAdapter } from './redis-adapter.js';

// Against a real redis-server of the harness's own (the one the durable peer runs on), in both
// store modes: the adapter never touches the machine's Redis.
describe('the durable peer: oidc-provider models in Redis', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer('everysec');
    client = new Redis(server.url);
  }, 30_000);
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('runs its redis-server with the append-only file and the stated fsync policy', async () => {
    const [config] = (await redisCommands(server.url, [['CONFIG', 'GET', 'append*']])) as [string[]];
    const pairs = Object.fromEntries(
      Array.from({ length: config.length / 2 }, (_, i) => [config[2 * i], config[2 * i + 1]]),
    );
    expect(pairs).toMatchObject({ appendonly: 'yes', appendfsync: 'everysec' });
  });

  it('stores a model under <Model>:<id> with its TTL, and finds it again', async () => {
    const sessions = new RedisAdapter('Session', client);
    await sessions.upsert('s1', { accountId: '7', uid: 'u1' }, 600);
    expect(await sessions.find('s1')).toEqual({ accountId: '7', uid: 'u1' });
    expect(await sessions.findByUid('u1')).toEqual({ accountId: '7', uid: 'u1' });
    const ttl = await client.ttl('Session:s1');
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await sessions.find('missing')).toBeUndefined();
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('consumes a single-use model by a field, keeping its payload', async () => {
    const tokens = new RedisAdapter('RefreshToken', client);
    await tokens.upsert('r1', { accountId: '7', grantId: 'g1' }, 600);
    expect((await tokens.find('r1'))?.consumed).toBeUndefined();
    await tokens.consume('r1');
    const found = await tokens.find('r1');
    expect(found).toMatchObject({ accountId: '7', grantId: 'g1' });
    expect(found?.consumed).toBeGreaterThan(0);
  });

  it('revoking a grant deletes every model it issued and its index', async () => {
    const refresh = new RedisAdapter('RefreshToken', client);
    const access = new RedisAdapter('AccessToken', client);
    await refresh.upsert('r2', { grantId: 'g2' }, 300);
    await access.upsert('a2', { grantId: 'g2' }, 900);
    await access.upsert('a3', { grantId: 'other' }, 900);
    expect(await client.lrange(grantKeyFor('g2'), 0, -1)).toEqual(['RefreshToken:r2', 'AccessToken:a2']);
    // The index outlives its longest-lived model.
    expect(await client.ttl(grantKeyFor('g2'))).toBeGreaterThan(300);
    await refresh.revokeByGrantId('g2');
    expect(await refresh.find('r2')).toBeUndefined();
    expect(await access.find('a2')).toBeUndefined();
    expect(await client.exists(grantKeyFor('g2'))).toBe(0);
    expect(await access.find('a3')).toEqual({ grantId: 'other' });
  });

  it('finds a device code by its user code', async () => {
    const codes = new RedisAdapter('DeviceCode', client);
    await codes.upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g3' }, 600);
    expect(await codes.findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
    expect(await codes.findByUserCode('NOPE')).toBeUndefined();
  });
});
