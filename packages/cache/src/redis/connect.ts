import { StoreUnavailableError } from '@gatehouse/core';
import { Redis, type RedisOptions } from 'ioredis';

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
} satisfies RedisOptions;

/** Opens a client and waits until Redis answers; rejects with `StoreUnavailableError` when it does not in time. */
export async function connectRedis(url: string): Promise<Redis> {
  const client = new Redis(url, failFastOptions);
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

function firstReady(client: Redis): Promise<void> {
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
export async function disconnectRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => {});
  client.disconnect();
}
