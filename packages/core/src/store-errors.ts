/** A unique constraint refused the write (e.g. a taken username). `field` names what clashed. */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
  constructor(readonly field: string) {
    super(`duplicate ${field}`);
  }
}

/**
 * The store could not be reached or did not answer. Services fail closed on it:
 * 503 `temporarily_unavailable`, never a guess about state they could not read.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly store: 'database' | 'cache',
    options?: { cause?: unknown },
  ) {
    super(`${store} unavailable`, options);
  }
}
