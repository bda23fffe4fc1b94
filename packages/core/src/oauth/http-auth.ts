import { InvalidClientError, InvalidRequestError } from '../errors.js';
import { isSafeText, UnsafeTextError } from '../input/safe-text.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 §2.3.1 / Appendix B: Basic credentials are form-url-encoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Parses `Authorization: Basic …` client credentials. Returns null when the header
 * is absent or uses another scheme; a malformed Basic header is `invalid_client`.
 */
export function parseBasicCredentials(header: string | undefined): ClientCredentials | null {
  if (!header) return null;
  const match = /^basic +(\S+)$/i.exec(header.trim());
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClientError('malformed Basic credentials');
  let credentials: ClientCredentials;
  try {
    credentials = {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw new InvalidClientError('malformed Basic credentials');
  }
  // SEC-30: NUL or invalid UTF-8 never reaches the client lookup.
  if (!isSafeText(credentials.clientId) || !isSafeText(credentials.clientSecret)) {
    throw new UnsafeTextError('the Basic credentials');
  }
  return credentials;
}

/**
 * Extracts a bearer token (RFC 6750 §2.1; the scheme is case-insensitive). Returns null
 * when there is no Authorization header or it uses another scheme (RFC 6750 §3.1: no
 * bearer authentication at all); a Bearer header that is malformed is `invalid_request`.
 */
export function parseBearerToken(header: string | undefined): string | null {
  const value = header?.trim();
  if (!value || !/^bearer(\s|$)/i.test(value)) return null;
  const match = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(value);
  if (!match) throw new InvalidRequestError('the Authorization header must be "Bearer <token>"');
  return match[1]!;
}
