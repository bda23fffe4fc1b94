import { createTestCache } from '@gatehouse/cache/testing';
import { type CacheStores, type ClientStore, type StampStore, sha256Hex } from '@gatehouse/core';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENTS_STAMP_KEY, rememberClients } from './remembered-clients.js';

// Two processes of one deployment: each remembers clients in its own memory; they share
// the database and the cache (PGlite + memory, or Postgres + Redis in CI).
let database: TestDatabase;
let cache: CacheStores;

beforeAll(async () => {
  [database, cache] = await Promise.all([createTestDatabase(), createTestCache()]);
});
afterAll(async () => {
  await Promise.allSettled([cache?.close(), database?.close()]);
});

/** The database's client store, counting lookups by public id. */
function countingClients() {
  const real = database.stores.clients;
  const counter = { reads: 0 };
  const store: ClientStore = {
    ...real,
    findByClientId: (clientId) => {
      counter.reads++;
      return real.findByClientId(clientId);
    },
  };
  return { store, counter };
}

let next = 0;
async function newClient() {
  next++;
  return database.stores.clients.create({
    clientId: `gh_remember_${next}_${Date.now()}`,
    secretHash: sha256Hex(`secret-${next}`),
    name: `App ${next}`,
    redirectUris: ['https://app.example/cb'],
  });
}

function twoProcesses() {
  const { store, counter: dbA } = countingClients();
  return {
    a: rememberClients(store, cache.stamps),
    dbA,
    b: rememberClients(database.stores.clients, cache.stamps),
  };
}

describe('rememberClients', () => {
  it('reads a client from the database once, then from memory', async () => {
    const client = await newClient();
    const { a, dbA } = twoProcesses();
    expect(await a.findByClientId(client.clientId)).toEqual(client);
    expect(await a.findByClientId(client.clientId)).toEqual(client);
    expect(await a.findByClientId(client.clientId)).toEqual(client);
    expect(dbA.reads).toBe(1);
  });

  it('never remembers an unknown client: created later, it is found at once', async () => {
    const { a } = twoProcesses();
    const clientId = `gh_later_${Date.now()}`;
    expect(await a.findByClientId(clientId)).toBeNull();
    const created = await database.stores.clients.create({
      clientId,
      secretHash: sha256Hex('s'),
      name: 'Later',
      redirectUris: ['https://app.example/cb'],
    });
    expect(await a.findByClientId(clientId)).toEqual(created);
  });

  it('a secret rotated through another process works at once here, and the old one is gone (SEC-22)', async () => {
    const client = await newClient();
    const { a, b } = twoProcesses();
    await a.findByClientId(client.clientId);
    const rotated = sha256Hex('rotated');
    await b.update(client.id, { secretHash: rotated });
    expect((await a.findByClientId(client.clientId))?.secretHash).toBe(rotated);
  });

  it('a client disabled or deleted through another process stops at once here', async () => {
    const [disabled, deleted] = [await newClient(), await newClient()];
    const { a, b } = twoProcesses();
    await a.findByClientId(disabled.clientId);
    await a.findByClientId(deleted.clientId);
    await b.update(disabled.id, { disabled: true });
    await b.delete(deleted.id);
    expect((await a.findByClientId(disabled.clientId))?.disabled).toBe(true);
    expect(await a.findByClientId(deleted.clientId)).toBeNull();
  });

  it('after the cache lost its stamp (flush, expiry) it reads again, then remembers again', async () => {
    const client = await newClient();
    const { a, dbA } = twoProcesses();
    await a.findByClientId(client.clientId);
    await cache.stamps.set(CLIENTS_STAMP_KEY, 'short-lived', 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await cache.stamps.get(CLIENTS_STAMP_KEY)).toBeNull();
    await a.findByClientId(client.clientId);
    await a.findByClientId(client.clientId);
    expect(dbA.reads).toBe(2);
    expect(await cache.stamps.get(CLIENTS_STAMP_KEY)).not.toBeNull();
  });

  it('while a write is under way, reads go to the database and nothing is remembered', async () => {
    const client = await newClient();
    const { a, dbA } = twoProcesses();
    await cache.stamps.set(CLIENTS_STAMP_KEY, 'writing:elsewhere', 60);
    await a.findByClientId(client.clientId);
    await a.findByClientId(client.clientId);
    expect(dbA.reads).toBe(2);
    await cache.stamps.set(CLIENTS_STAMP_KEY, 'done', 3600);
    await a.findByClientId(client.clientId);
    await a.findByClientId(client.clientId);
    expect(dbA.reads).toBe(3);
  });

  it('refuses a write it cannot announce, and changes nothing', async () => {
    const client = await newClient();
    const broken: StampStore = { ...cache.stamps, set: () => Promise.reject(new Error('cache down')) };
    const writer = rememberClients(database.stores.clients, broken);
    await expect(writer.update(client.id, { disabled: true })).rejects.toThrow('cache down');
    expect((await database.stores.clients.findById(client.id))?.disabled).toBe(false);
  });

  it('reports a write that happened even when the new stamp cannot be set; readers keep reading through', async () => {
    const client = await newClient();
    let sets = 0;
    const failsSecond: StampStore = {
      ...cache.stamps,
      set: (key, value, ttl) =>
        ++sets === 2 ? Promise.reject(new Error('cache down')) : cache.stamps.set(key, value, ttl),
    };
    const { a, dbA } = twoProcesses();
    await a.findByClientId(client.clientId);
    const writer = rememberClients(database.stores.clients, failsSecond);
    expect(await writer.update(client.id, { name: 'Renamed' })).toMatchObject({ name: 'Renamed' });
    expect((await a.findByClientId(client.clientId))?.name).toBe('Renamed');
    await a.findByClientId(client.clientId);
    expect(dbA.reads).toBe(3);
  });
});
