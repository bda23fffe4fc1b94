/**
 * Redis `EX` takes whole seconds, and a zero or negative TTL would store nothing or fail on the
 * server. Both implementations refuse such a caller bug up front, before any I/O, with the same error.
 */
export function assertSeconds(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive whole number of seconds, got ${value}`);
  }
}

/** Rounds up, so that a `Retry-After` never invites a client back before its window has reset. */
export function secondsLeft(milliseconds: number): number {
  return milliseconds > 0 ? Math.ceil(milliseconds / 1000) : 0;
}
