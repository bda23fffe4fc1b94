import { InvalidRequestError } from '../errors.js';

/**
 * The query of an authorization request as the HTTP layer parsed it: each name maps to
 * its value, or to every value when the name was repeated.
 */
export type AuthorizationQuery = Record<string, string | readonly string[] | undefined>;

/** The raw parameters, each taken once, plus the names that were sent more than once. */
export interface RawAuthorizationRequest {
  /** Single values only; an empty value counts as absent. */
  readonly params: Readonly<Record<string, string>>;
  /** Names that appeared more than once (their values are not in `params`). */
  readonly repeated: ReadonlySet<string>;
}

/** Splits the parsed query into single-valued parameters and repeated names. Never throws. */
export function readAuthorizationRequest(
  query: AuthorizationQuery | null | undefined,
): RawAuthorizationRequest {
  const params: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (typeof value === 'string') {
      if (value !== '') params[name] = value;
    } else if (Array.isArray(value)) {
      repeated.add(name);
    }
  }
  return { params, repeated };
}

/** One parameter, or undefined when absent; `onRepeated` decides what a repetition means. */
export function single(
  raw: RawAuthorizationRequest,
  name: string,
  onRepeated: () => Error,
): string | undefined {
  if (raw.repeated.has(name)) throw onRepeated();
  return raw.params[name];
}

/**
 * RFC 6749 §3.1: request parameters must not be included more than once. Runs after the
 * client and redirect URI are known, so the error is redirected to the client.
 */
export function checkRepeatedParameters(raw: RawAuthorizationRequest): void {
  if (raw.repeated.size === 0) return;
  const names = [...raw.repeated].sort().join(', ');
  throw new InvalidRequestError(`parameters must not be repeated: ${names}`);
}
