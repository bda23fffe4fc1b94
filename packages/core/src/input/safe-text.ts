import { InvalidRequestError } from '../errors.js';

/**
 * SEC-30: text that reaches a store must be well-formed Unicode without NUL. Postgres
 * refuses U+0000 in `text` (and a driver error would be a 500), a lone surrogate cannot be
 * encoded as UTF-8, and U+FFFD is what a UTF-8 decoder puts where the bytes were invalid.
 */
const UNSAFE_CHARACTER = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NUL = String.fromCharCode(0);

export function isSafeText(value: string): boolean {
  return !value.includes(NUL) && !UNSAFE_CHARACTER.test(value);
}

/** The error every protocol reports in its own format (400). */
export class UnsafeTextError extends InvalidRequestError {
  constructor(where: string) {
    super(`${where} must be valid UTF-8 text without NUL characters`);
  }
}

/**
 * The name of the first parameter (or key) of a parsed body/query/params value whose
 * text is unsafe, or null when all of it is safe. Walks nested objects and arrays.
 */
export function findUnsafeParameter(value: unknown, name = 'a parameter', depth = 0): string | null {
  if (typeof value === 'string') return isSafeText(value) ? null : name;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnsafeParameter(item, name, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isSafeText(key)) return 'a parameter name';
    const found = findUnsafeParameter(item, safeName(key), depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws UnsafeTextError naming the parameter when `value` holds unsafe text. */
export function assertSafeParameters(value: unknown): void {
  const found = findUnsafeParameter(value);
  if (found) throw new UnsafeTextError(found);
}

function safeName(key: string): string {
  return /^[A-Za-z0-9_.[\]-]{1,64}$/.test(key) ? key : 'a parameter';
}

/**
 * One component of `application/x-www-form-urlencoded` text (a name or a value), decoded
 * strictly: `+` is a space, and a percent sequence that is not UTF-8 is refused instead of
 * being kept as literal text the way lenient parsers do.
 */
export function decodeFormComponent(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  let decoded: string;
  try {
    decoded = raw.includes('%') ? decodeURIComponent(spaced) : spaced;
  } catch {
    throw new UnsafeTextError('a parameter');
  }
  return decoded;
}

/**
 * Parses form-encoded text (a request body or a URL query) strictly (WHATWG
 * `application/x-www-form-urlencoded`, with invalid UTF-8 refused). A name that appears
 * more than once maps to an array, as the lenient parser it replaces did, so the protocol
 * steps can still refuse repeated parameters themselves. Every value is checked (SEC-30).
 */
export function parseFormEncoded(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeFormComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeFormComponent(pair.slice(equals + 1));
    if (!isSafeText(name)) throw new UnsafeTextError('a parameter name');
    if (!isSafeText(value)) throw new UnsafeTextError(safeName(name));
    const existing = result[name];
    if (existing === undefined) result[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[name] = [existing, value];
  }
  return result;
}
