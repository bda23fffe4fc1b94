import type { Redis } from 'ioredis';

/**
 * Deletes every key that starts with `prefix`, in batches, without blocking Redis (SCAN, UNLINK).
 * `prefix` must hold no glob characters (`*?[]\`): it is used as a MATCH pattern.
 */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
