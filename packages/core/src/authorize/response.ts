import type { OAuthError } from '../errors.js';

/**
 * Adds query parameters to a registered redirect URI: `?` or, when the URI already has a
 * query, `&`. Values are percent-encoded (spaces as %20), so the client decodes exactly
 * what was sent. A fragment, should one exist, stays last.
 */
export function appendQuery(uri: string, params: ReadonlyArray<readonly [string, string]>): string {
  const hash = uri.indexOf('#');
  const base = hash < 0 ? uri : uri.slice(0, hash);
  const fragment = hash < 0 ? '' : uri.slice(hash);
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  if (query === '') return uri;
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${query}${fragment}`;
}

/** RFC 6749 §4.1.2 + RFC 9207: `code`, `state` (when the request had one), `iss`. */
export function successRedirectUrl(
  redirectUri: string,
  code: string,
  state: string | null,
  issuer: string,
): string {
  const params: [string, string][] = [['code', code]];
  if (state !== null) params.push(['state', state]);
  params.push(['iss', issuer]);
  return appendQuery(redirectUri, params);
}

/** RFC 6749 §4.1.2.1 + RFC 9207: `error`, `error_description`, `state` (when known) and `iss`. */
export function errorRedirectUrl(
  redirectUri: string,
  error: Pick<OAuthError, 'code' | 'description'>,
  state: string | null,
  issuer: string,
): string {
  const params: [string, string][] = [
    ['error', error.code],
    ['error_description', error.description],
  ];
  if (state !== null) params.push(['state', state]);
  params.push(['iss', issuer]);
  return appendQuery(redirectUri, params);
}
