/** Where the login form sends the user when nothing else is asked. */
export const DEFAULT_RETURN_TO = '/account';

const MAX_RETURN_TO = 8192;

/**
 * `return_to` after login (SEC-20): only a same-origin relative path starting
 * with a single `/`. Refuses `//host`, `/\host`, absolute URLs, backslashes anywhere,
 * control characters (browsers drop tabs and newlines, turning `/\t/host` into `//host`)
 * and anything that does not stay on the issuer's origin. Returns null when refused.
 */
export function safeReturnTo(value: unknown, issuer: string): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO) return null;
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x5c) return null;
  }
  try {
    const base = new URL(issuer);
    const resolved = new URL(value, base);
    if (resolved.origin !== base.origin) return null;
  } catch {
    return null;
  }
  return value;
}
