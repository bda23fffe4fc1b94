export interface RateLimitState {
  /** Hits in the current window. */
  count: number;
  /** Seconds until the window resets (0 when there is no window). */
  retryAfterSeconds: number;
}

/** Fixed-window counters. */
export interface RateLimitStore {
  /** Counts one hit; the window starts at the first hit. */
  hit(key: string, windowSeconds: number): Promise<RateLimitState>;
  peek(key: string): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
}
