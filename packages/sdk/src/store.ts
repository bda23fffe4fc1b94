import type { TokenSet } from './tokens.js';

type Awaitable<T> = T | Promise<T>;

/**
 * Where a session's tokens live, by key (your session id, user id, ...). Plug in your
 * own: a Fastify/Express session, Redis, a database row. Methods may be sync or async.
 * Values are plain JSON; a store may serialise them (`JSON.stringify`) as it likes.
 *
 * Tokens are credentials: keep them on the server, never in a cookie the browser can
 * read or in a response to your frontend.
 */
export interface TokenStore {
  get(key: string): Awaitable<TokenSet | null | undefined>;
  set(key: string, tokens: TokenSet): Awaitable<void>;
  delete(key: string): Awaitable<void>;
  /**
   * Optional, for apps running several processes on one store: run `fn` while holding a
   * lock on `key` (e.g. a Redis `SET key NX PX`). The SDK already runs one refresh at a
   * time per key inside a process; this extends that to all your processes.
   */
  lock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Tokens in this process's memory: for development, tests and single-process apps.
 * Everything is lost on restart (users log in again).
 */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, TokenSet>();

  async get(key: string): Promise<TokenSet | null> {
    const tokens = this.entries.get(key);
    return tokens ? { ...tokens } : null;
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    this.entries.set(key, { ...tokens });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** How many sessions hold tokens. */
  get size(): number {
    return this.entries.size;
  }
}
