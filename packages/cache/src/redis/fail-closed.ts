import { StoreUnavailableError } from '@gatehouse/core';

/**
 * Runs one Redis round trip and turns any failure (refused, offline, timed out, closed, even an
 * error reply) into `StoreUnavailableError`: callers then fail closed with one check and never
 * guess at state they could not read.
 */
export async function failClosed<T>(roundTrip: () => Promise<T>): Promise<T> {
  try {
    return await roundTrip();
  } catch (cause) {
    throw new StoreUnavailableError('cache', { cause });
  }
}
