/**
 * The one fixed-window rule every throttle of the product is made of (login, top-up
 * codes, sign-up): a counter in the rate-limit store and its limit. `attempts` counters are
 * counted up front (a parallel burst cannot slip past) and refuse once over the limit;
 * `failures` counters are read before and counted after a failure, and refuse once at it.
 */
export interface WindowRule {
  kind: 'attempts' | 'failures';
  limit: number;
}

/** A counter as the rate-limit store reports it. */
export interface WindowCount {
  count: number;
  retryAfterSeconds: number;
}

/** True when the rule refuses the attempt, given its counter. */
export function exceeds(rule: WindowRule, counter: WindowCount): boolean {
  return rule.kind === 'attempts' ? counter.count > rule.limit : counter.count >= rule.limit;
}

/** A refusal's Retry-After: never 0, so clients always wait at least a second. */
export function retryAfter(counter: WindowCount): number {
  return Math.max(1, counter.retryAfterSeconds);
}
