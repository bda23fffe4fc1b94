import { Cluster } from 'ioredis';
import type { RedisClient } from './connect.js';

/**
 * Deletes every key that starts with `prefix`, in batches, without blocking Redis (SCAN, UNLINK).
 * `prefix` must hold no glob characters (`*?[]\`): it is used as a MATCH pattern.
 */
export async function deleteKeysWithPrefix(client: RedisClient, prefix: string): Promise<void> {
  // A cluster's keys are spread over its masters; each is scanned on its own.
  if (client instanceof Cluster) {
    await Promise.all(client.nodes('master').map((node) => deleteKeysWithPrefix(node, prefix)));
    return;
  }
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    // One UNLINK per key: on a single node keys may still sit in different slots.
    if (keys.length > 0) await Promise.all(keys.map((key) => client.unlink(key)));
    cursor = next;
  } while (cursor !== '0');
}
