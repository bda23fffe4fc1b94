import type { Client, ClientPatch, ClientStore, StampStore, Stores } from '@gatehouse/core';
import { randomId } from '@gatehouse/core';

/** The stamp every process compares what it remembers with; any client write replaces it. */
export const CLIENTS_STAMP_KEY = 'clients';
/** Marks a write under way: nothing read while it shows may be remembered. */
const WRITING = 'writing:';
/** A mark outlives any write; should its writer never replace it, it expires into "no stamp". */
const WRITING_TTL_SECONDS = 60;
/** A stamp nobody replaced expires now and then; the next reader claims a new one. */
const STAMP_TTL_SECONDS = 86_400;
/** A backstop only: correctness comes from the stamp. */
const MAX_AGE_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

interface Remembered {
  client: Client;
  stamp: string;
  at: number;
}

export interface RememberedClientsOptions {
  /** Clock milliseconds (tests). */
  now?: () => number;
}

/**
 * A `ClientStore` that remembers clients by public id in this process, so that client
 * authentication on the token endpoint costs one cache read instead of a database
 * query. It stays correct across processes: every write through any process replaces
 * a shared stamp in the cache (before the write, a "writing" mark; after it, a new
 * stamp), and a remembered client is used only while the stamp it was read under is
 * still the current one. So a rotated secret or a disabled client fails at once in
 * every process (SEC-22), and a flushed cache only costs a database read.
 *
 * Every process that writes clients must use this wrapper (`withRememberedClients`, which
 * service-kit's `openStores` applies). Unknown clients are never remembered, so creating one needs no stamp.
 */
export function rememberClients(
  clients: ClientStore,
  stamps: StampStore,
  options: RememberedClientsOptions = {},
): ClientStore {
  const now = options.now ?? Date.now;
  const remembered = new Map<string, Remembered>();

  function remember(client: Client | null, stamp: string): Client | null {
    if (client === null) return null;
    remembered.delete(client.clientId);
    if (remembered.size >= MAX_ENTRIES) remembered.delete(remembered.keys().next().value!);
    remembered.set(client.clientId, { client, stamp, at: now() });
    return client;
  }

  async function findByClientId(clientId: string): Promise<Client | null> {
    const stamp = await stamps.get(CLIENTS_STAMP_KEY);
    if (stamp === null) {
      // No stamp (first use, expired, or a flushed cache): claim one, then read under it.
      const fresh = randomId();
      if (await stamps.claim(CLIENTS_STAMP_KEY, fresh, STAMP_TTL_SECONDS)) {
        return remember(await clients.findByClientId(clientId), fresh);
      }
      return clients.findByClientId(clientId);
    }
    if (stamp.startsWith(WRITING)) return clients.findByClientId(clientId);
    const entry = remembered.get(clientId);
    if (entry && entry.stamp === stamp && now() - entry.at < MAX_AGE_MS) return entry.client;
    // Read after the stamp: if a write starts meanwhile, it replaces the stamp and this entry
    // is never used again.
    return remember(await clients.findByClientId(clientId), stamp);
  }

  /** Marks the write (or fails before it), writes, then sets a new stamp. */
  async function writing<T>(write: () => Promise<T>): Promise<T> {
    await stamps.set(CLIENTS_STAMP_KEY, WRITING + randomId(), WRITING_TTL_SECONDS);
    remembered.clear();
    const result = await write();
    // The write happened: if the new stamp cannot be set, the mark expires into "no stamp"
    // and readers claim a new one, so the caller is told of success either way.
    await stamps.set(CLIENTS_STAMP_KEY, randomId(), STAMP_TTL_SECONDS).catch(() => undefined);
    return result;
  }

  return {
    create: (client) => clients.create(client),
    findByClientId,
    findById: (id) => clients.findById(id),
    listByOwner: (ownerUserId) => clients.listByOwner(ownerUserId),
    listAll: (page) => clients.listAll(page),
    update: (id: number, patch: ClientPatch) => writing(() => clients.update(id, patch)),
    delete: (id: number) => writing(() => clients.delete(id)),
    countAuthorizedUsers: (id) => clients.countAuthorizedUsers(id),
    hasPublicWebOrigin: (origin) => clients.hasPublicWebOrigin(origin),
  };
}

/** `stores` with their clients remembered through the cache's stamps: how every process runs them. */
export function withRememberedClients<S extends Stores>(stores: S): S {
  return {
    ...stores,
    db: { ...stores.db, clients: rememberClients(stores.db.clients, stores.cache.stamps) },
  };
}
