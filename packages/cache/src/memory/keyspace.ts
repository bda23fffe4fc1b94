import { StoreUnavailableError } from '@gatehouse/core';

/** Often enough that expired entries nobody reads again do not pile up; a sweep is one pass over the maps. */
const SWEEP_INTERVAL_MS = 30_000;

interface Entry<V> {
  value: V;
  /** Clock milliseconds. */
  expiresAt: number;
}

interface Sweepable {
  sweep(now: number): void;
  clear(): void;
}

/** The clock, lifetime and periodic sweep shared by every map of one memory cache. */
export class Keyspace {
  readonly #now: () => number;
  readonly #maps: Sweepable[] = [];
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(now: () => number) {
    this.#now = now;
    this.#sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    // The sweep only frees memory; it must not keep a process alive that forgot to close the cache.
    this.#sweepTimer.unref();
  }

  /** A closed cache fails every operation, as a closed Redis connection does. */
  assertOpen(): void {
    if (!this.#sweepTimer)
      throw new StoreUnavailableError('cache', { cause: new Error('memory cache is closed') });
  }

  /** Clock milliseconds; every map operation asks, so each one also checks that the cache is open. */
  now(): number {
    this.assertOpen();
    return this.#now();
  }

  map<V>(): TtlMap<V> {
    const map = new TtlMap<V>(this);
    this.#maps.push(map);
    return map;
  }

  /** Drops every expired entry (reads already ignore them; this frees their memory). */
  sweep(): void {
    const now = this.#now();
    for (const map of this.#maps) map.sweep(now);
  }

  close(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const map of this.#maps) map.clear();
  }
}

/** A map whose entries vanish after their TTL: expired entries are invisible at once and freed by the sweep. */
export class TtlMap<V> implements Sweepable {
  readonly #keyspace: Keyspace;
  readonly #entries = new Map<string, Entry<V>>();

  constructor(keyspace: Keyspace) {
    this.#keyspace = keyspace;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    return this.#live(key)?.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: this.#keyspace.now() + ttlMs });
  }

  /** Changes the value of a live entry but not its expiry (Redis `KEEPTTL`); false when there is none. */
  replace(key: string, value: V): boolean {
    const entry = this.#live(key);
    if (entry) entry.value = value;
    return entry !== undefined;
  }

  /** Milliseconds until the entry expires; 0 when there is no live entry. */
  msLeft(key: string): number {
    const entry = this.#live(key);
    return entry ? entry.expiresAt - this.#keyspace.now() : 0;
  }

  /** True when a live entry was removed. */
  delete(key: string): boolean {
    return this.#live(key) !== undefined && this.#entries.delete(key);
  }

  sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  #live(key: string): Entry<V> | undefined {
    const now = this.#keyspace.now();
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
