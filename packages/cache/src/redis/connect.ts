import { StoreUnavailableError } from '@gatehouse/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** One Redis, or a Redis Cluster: the stores use only commands both route the same way. */
export type RedisClient = Redis | Cluster;

/** A command that gets no answer within this fails, so a hung Redis becomes a quick 503. */
const COMMAND_TIMEOUT_MS = 1000;
/** Reconnect delays grow to this and stay there: retried forever, and a returning Redis is found quickly. */
const MAX_RECONNECT_DELAY_MS = 500;
/** How long startup waits for the first connection before reporting the cache unavailable. */
const FIRST_CONNECTION_TIMEOUT_MS = 3000;

/**
 * Fail fast, recover by itself. While Redis is unreachable every command is rejected at once
 * (nothing is queued to run later, perhaps after the request that sent it has answered 503), and the
 * client keeps reconnecting in the background.
 */
const failFastOptions = {
  // Not connected: reject instead of queueing until a reconnect that may never come.
  enableOfflineQueue: false,
  // In-flight commands fail when their connection drops instead of being sent again after a
  // reconnect: INCR and code consumption are not idempotent, and their caller has given up by then.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  // Connected but silent (a hung or paused server, a half-open socket): give up on the command.
  commandTimeout: COMMAND_TIMEOUT_MS,
  // An unreachable host is tried again after this, instead of after the 10 s default.
  connectTimeout: COMMAND_TIMEOUT_MS,
  // A number, never null: ioredis never stops reconnecting.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  // connectRedis connects itself, after the error listener is attached.
  lazyConnect: true,
  // Commands issued in the same event-loop turn (by concurrent requests) go out in one socket
  // write and come back in one read: fewer syscalls and wake-ups of Redis per request
  // (bench/README.md, "Cost per request"). Order and per-command results are unchanged.
  enableAutoPipelining: true,
} satisfies RedisOptions;

const CLUSTER_SCHEMES = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/;

/**
 * `redis+cluster://[user:password@]host1:port1,host2:port2` (or `rediss+cluster://` for TLS)
 * names a Redis Cluster by some of its nodes; ioredis discovers the rest. Null for any other URL.
 */
export function parseClusterUrl(
  url: string,
): { nodes: { host: string; port: number }[]; redisOptions: RedisOptions } | null {
  const match = CLUSTER_SCHEMES.exec(url);
  if (!match) return null;
  const [, scheme, auth, hosts] = match;
  const nodes = hosts!.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    const port = at > 0 ? Number(node.slice(at + 1)) : 6379;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`bad port in cluster node ${node}`);
    return { host: at > 0 ? node.slice(0, at).replace(/^\[|\]$/g, '') : node, port };
  });
  const redisOptions: RedisOptions = {};
  if (auth) {
    const colon = auth.indexOf(':');
    if (colon >= 0) {
      if (colon > 0) redisOptions.username = decodeURIComponent(auth.slice(0, colon));
      redisOptions.password = decodeURIComponent(auth.slice(colon + 1));
    } else redisOptions.password = decodeURIComponent(auth);
  }
  if (scheme === 'rediss') redisOptions.tls = {};
  return { nodes, redisOptions };
}

/**
 * On a cluster the same rules hold per node, plus: no queue while the slot map is being
 * refreshed (a failover answers 503 rather than holding requests), and a new slot map is
 * fetched soon after a node stops answering, so a promoted replica is found in seconds.
 */
function clusterOptions(redisOptions: RedisOptions): ClusterOptions {
  const { retryStrategy, enableOfflineQueue: _queue, lazyConnect, ...perNode } = failFastOptions;
  return {
    redisOptions: { ...perNode, ...redisOptions },
    enableOfflineQueue: false,
    lazyConnect,
    // Per node, grouped by slot (ioredis pipelines only commands bound for the same node).
    enableAutoPipelining: true,
    clusterRetryStrategy: retryStrategy,
    // A node that closed its connection: ask the others for the slot map again after this.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    slotsRefreshTimeout: COMMAND_TIMEOUT_MS,
    slotsRefreshInterval: 1000,
    // Writes go to masters; reads too, so a read never sees a replica's older state.
    scaleReads: 'master',
  };
}

/** Opens a client and waits until Redis answers; rejects with `StoreUnavailableError` when it does not in time. */
export async function connectRedis(url: string): Promise<RedisClient> {
  const cluster = parseClusterUrl(url);
  const client: RedisClient = cluster
    ? new Cluster(cluster.nodes, clusterOptions(cluster.redisOptions))
    : new Redis(url, failFastOptions);
  let lastError: unknown;
  // Failures reach callers as StoreUnavailableError from commands and ping (readiness); without a
  // listener ioredis would also print every reconnect failure to stderr.
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await firstReady(client);
    return client;
  } catch (timeout) {
    client.disconnect();
    throw new StoreUnavailableError('cache', { cause: lastError ?? timeout });
  }
}

function firstReady(client: RedisClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready within ${FIRST_CONNECTION_TIMEOUT_MS} ms`));
    }, FIRST_CONNECTION_TIMEOUT_MS);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
    // connect() rejects when the first attempt fails, but ioredis keeps retrying; 'ready' is what counts.
    client.connect().catch(() => {});
  });
}

/** Quits politely when connected; in every case stops reconnecting. Safe to call twice. */
export async function disconnectRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => {});
  client.disconnect();
}
