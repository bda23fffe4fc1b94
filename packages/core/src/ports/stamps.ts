/**
 * Short string values under keys, each with an expiry: version stamps that tell a process
 * whether what it remembers is still current, and one-time markers.
 */
export interface StampStore {
  /** The value, or null when the key holds none (never set, expired, or the cache was flushed). */
  get(key: string): Promise<string | null>;
  /** Sets `value` only when the key holds none (SET NX); true when this call set it. */
  claim(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Sets `value`, replacing any, with a new expiry. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}
