import { InvalidRequestError } from '../errors.js';

/** A request's parameters after `readParams`: every value a single string. */
export type TokenParams = Readonly<Record<string, string | undefined>>;

const EMPTY: TokenParams = Object.freeze({});

/**
 * Checks the parsed body of a token, revocation or introspection request.
 * RFC 6749 §3.2: parameters must not be repeated (the form parser turns a repeated
 * key into an array); a JSON body must be an object of strings. Anything else —
 * a bare string from another parser, a JSON array, a number — is `invalid_request`.
 * The object is checked in place, not copied.
 */
export function readParams(body: unknown): TokenParams {
  if (body === undefined || body === null) return EMPTY;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('the request body must be application/x-www-form-urlencoded parameters');
  }
  const record = body as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') continue;
    throw new InvalidRequestError(
      Array.isArray(value) ? `parameter ${key} must not be repeated` : `parameter ${key} must be a string`,
    );
  }
  return record as TokenParams;
}

/** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
export function optionalParam(params: TokenParams, name: string): string | undefined {
  const value = params[name];
  return value === '' ? undefined : value;
}

export function requiredParam(params: TokenParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new InvalidRequestError(`${name} is required`);
  return value;
}

/** Parameters that carry secrets: refused in the URL query, where proxies and logs keep them. */
const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'password',
]);

/**
 * Credentials belong in the body or the Authorization header (RFC 6749 §2.3.1, §3.2;
 * SEC-12). Other query parameters are never read, so they are left alone.
 */
export function refuseSecretsInQuery(query: unknown): void {
  if (query === null || typeof query !== 'object') return;
  for (const key in query) {
    if (SECRET_QUERY_PARAMS.has(key)) {
      throw new InvalidRequestError(`${key} must be sent in the request body, never in the URL`);
    }
  }
}
