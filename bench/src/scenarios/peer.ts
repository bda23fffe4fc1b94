import { fileURLToPath } from 'node:url';
import type { CpuProcesses } from '../cpu.js';
import { redisCommands } from '../gatehouse/redis.js';
import { Pool, Ring, runHttpLoad } from '../load.js';
import type { Machine } from '../machine.js';
import { type BenchOptions, poolSizeFor, wants } from '../options.js';
import { freePort, readMemory, type ServerProcess, startServer } from '../processes.js';
import { type AppendFsync, type RedisServer, startRedisServer } from '../redis-server.js';
import type { ProcessReport } from '../report.js';
import { measure, type ScenarioResult } from '../scenario.js';
import { PEER_CLIENT, type PeerReply, type PeerRequest } from '../servers/peer-protocol.js';

/** The peer's refresh pool is sized for this rate (several times its expected throughput). */
const PEER_POOL_RATE = 5000;

/** The durable peer's Redis writes its append-only file to disk once a second (Redis's default). */
export const DURABLE_PEER_APPENDFSYNC: AppendFsync = 'everysec';

/** The two peers: the provider's in-memory store, or every model in Redis (`redis-adapter.ts`). */
export type PeerVariant = 'memory' | 'durable';

const VARIANTS = {
  memory: {
    name: 'peer (oidc-provider 9)',
    refreshId: 'peer-refresh',
    userinfoId: 'peer-userinfo',
    refreshTitle: '7a peer: oidc-provider refresh grant + rotation',
    userinfoTitle: '7b peer: oidc-provider userinfo',
    where: "live in the peer's memory (part of its RSS)",
  },
  durable: {
    name: 'peer (Redis) (oidc-provider 9 + Redis adapter)',
    refreshId: 'peer-durable-refresh',
    userinfoId: 'peer-durable-userinfo',
    refreshTitle: '7c peer (Redis): oidc-provider refresh grant + rotation',
    userinfoTitle: '7d peer (Redis): oidc-provider userinfo',
    where: `live in the peer's own redis-server (appendonly yes, appendfsync ${DURABLE_PEER_APPENDFSYNC})`,
  },
} as const;

export function wantsPeer(options: BenchOptions, variant: PeerVariant): boolean {
  const v = VARIANTS[variant];
  return wants(options, v.refreshId) || wants(options, v.userinfoId);
}

/**
 * Scenario 7: node-oidc-provider 9 (one confidential client) in its own process — its token
 * endpoint (refresh grant with rotation) and its userinfo endpoint. `memory`: the provider's
 * in-memory adapter; `durable`: the Redis adapter on a redis-server the harness starts for it
 * (its CPU counts with the peer's).
 */
export async function runPeer(
  options: BenchOptions,
  machine: Machine,
  variant: PeerVariant = 'memory',
): Promise<{ results: ScenarioResult[]; process: ProcessReport }> {
  const v = VARIANTS[variant];
  const redis: RedisServer | null =
    variant === 'durable' ? await startRedisServer(DURABLE_PEER_APPENDFSYNC) : null;
  if (redis) {
    const [config] = (await redisCommands(redis.url, [['CONFIG', 'GET', 'append*']])) as [string[]];
    const pairs = new Map<string, string>();
    for (let i = 0; i + 1 < config.length; i += 2) pairs.set(config[i]!, config[i + 1]!);
    machine.peerDurability = `appendonly=${pairs.get('appendonly')}, appendfsync=${pairs.get('appendfsync')}`;
  }
  let server: ServerProcess;
  try {
    const port = await freePort();
    server = await startServer({
      name: v.name,
      script: fileURLToPath(new URL('../servers/peer.js', import.meta.url)),
      env: {
        ...process.env,
        PORT: String(port),
        NODE_ENV: 'production',
        ...(redis ? { PEER_REDIS_URL: redis.url } : {}),
      },
      port,
      readyPath: '/.well-known/openid-configuration',
      ipc: true,
    });
  } catch (error) {
    await redis?.stop();
    throw error;
  }
  const cpu: CpuProcesses = async () => [
    { part: 'peer', pid: server.pid },
    ...(redis ? [{ part: 'redis', pid: redis.pid }] : []),
  ];
  try {
    const refreshCount = wants(options, v.refreshId)
      ? (options.poolSize ??
        Math.min(
          poolSizeFor(options),
          Math.ceil(PEER_POOL_RATE * (options.duration + options.warmup)) + 4 * options.connections,
        ))
      : 0;
    const minted = await mint(server, {
      type: 'mint',
      refresh: refreshCount,
      access: Math.min(options.users, 1000),
      users: options.users,
    });
    const results: ScenarioResult[] = [];
    const clientAuth = `client_id=${encodeURIComponent(PEER_CLIENT.clientId)}&client_secret=${encodeURIComponent(PEER_CLIENT.clientSecret)}`;

    if (wants(options, v.refreshId)) {
      const pool = new Pool(minted.refresh);
      const form = (token: string) => `grant_type=refresh_token&refresh_token=${token}&${clientAuth}`;
      // Probe: one real rotation, checked for shape.
      const probe = await fetch(`${server.origin}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(pool.next()),
      });
      const body = (await probe.json()) as { access_token?: string; refresh_token?: string };
      if (probe.status !== 200 || !body.access_token || !body.refresh_token) {
        throw new Error(`peer refresh probe answered ${probe.status}: ${JSON.stringify(body)}`);
      }
      results.push(
        await measure(options, {
          id: v.refreshId,
          title: v.refreshTitle,
          kind: 'peer-token',
          server,
          cpu,
          notes: [
            `refresh tokens scoped \`offline_access profile\`, without \`openid\`: no id_token is signed, as Gatehouse signs none; ${minted.refresh.length.toLocaleString('en-US')} pre-minted tokens and grants ${v.where}`,
          ],
          run: (seconds, phase) =>
            runHttpLoad(
              {
                origin: server.origin,
                method: 'POST',
                path: '/token',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                vary: () => ({ body: form(pool.next()) }),
                pool,
              },
              { connections: options.connections, duration: seconds, phase },
            ),
        }),
      );
    }

    if (wants(options, v.userinfoId)) {
      const ring = new Ring(minted.access);
      const probe = await fetch(`${server.origin}/me`, {
        headers: { authorization: `Bearer ${ring.next()}` },
      });
      const body = (await probe.json()) as { sub?: string };
      if (probe.status !== 200 || !body.sub)
        throw new Error(`peer userinfo probe answered ${probe.status}: ${JSON.stringify(body)}`);
      results.push(
        await measure(options, {
          id: v.userinfoId,
          title: v.userinfoTitle,
          kind: 'peer-userinfo',
          server,
          cpu,
          run: (seconds, phase) =>
            runHttpLoad(
              {
                origin: server.origin,
                method: 'GET',
                path: '/me',
                vary: () => ({ headers: { authorization: `Bearer ${ring.next()}` } }),
              },
              { connections: options.connections, duration: seconds, phase },
            ),
        }),
      );
    }
    const memory = readMemory(server.pid);
    return {
      results,
      process: { name: server.name, rssAfterMb: memory?.rssMb ?? null, hwmMb: memory?.hwmMb ?? null },
    };
  } finally {
    await server.stop();
    await redis?.stop();
  }
}

function mint(server: ServerProcess, request: PeerRequest): Promise<{ refresh: string[]; access: string[] }> {
  process.stderr.write(
    `  minting ${request.refresh.toLocaleString('en-US')} refresh + ${request.access} access tokens in the peer…\n`,
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('peer did not mint in time')), 300_000);
    server.child.once('message', (reply: PeerReply) => {
      clearTimeout(timer);
      if (reply.type === 'minted') resolve(reply);
      else reject(new Error(`peer failed to mint: ${reply.message}`));
    });
    server.child.send(request);
  });
}
