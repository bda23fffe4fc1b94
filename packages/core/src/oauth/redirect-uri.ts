/**
 * Redirect URIs are compared as exact strings (RFC 9700 §2.1): no normalisation,
 * no prefix or case folding, so what was registered is what is redirected to.
 */
export function isRegisteredRedirectUri(candidate: string, registered: readonly string[]): boolean {
  return registered.includes(candidate);
}

/**
 * SEC-31: a redirect URI is visible ASCII only (U+0021–U+007E). The URL parser silently
 * drops tab, CR and LF and accepts raw non-ASCII, so such a string would not be the URL a
 * browser is sent to, and it cannot be put in a `Location` header as it is.
 */
export function isVisibleAscii(uri: string): boolean {
  return /^[\x21-\x7e]+$/.test(uri);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Why a redirect URI may not be registered, or null when it may (API.md §6, SEC-21):
 * absolute, http(s) only, no fragment, no wildcard, no userinfo, and https except for
 * loopback hosts (or any host in development mode).
 */
export function redirectUriProblem(uri: string, options: { development: boolean }): string | null {
  if (uri.trim() !== uri || uri === '') return 'must not be empty or have surrounding spaces';
  if (uri.length > 2000) return 'must be at most 2000 characters';
  if (!isVisibleAscii(uri)) {
    return 'must contain only visible ASCII characters (percent-encode anything else, e.g. %20 for a space)';
  }
  if (uri.includes('*')) return 'must not contain wildcards';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL such as https://app.example.com/oauth/callback';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must use https (the ${url.protocol.replace(':', '')} scheme is not allowed)`;
  }
  if (uri.includes('#')) return 'must not contain a fragment (#…)';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (!url.hostname) return 'must name a host';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.development) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  return null;
}

/**
 * True when `uri` is an http(s) URL with the same scheme, host and port as one of
 * the registered redirect URIs (the top-up return link rule, API.md §5). URLs with
 * userinfo are refused outright: `https://app.example.com@evil.example` tricks people.
 */
export function sharesOriginWithRegistered(uri: string, registered: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password || uri.includes('\\')) return false;
  return registered.some((r) => {
    try {
      return new URL(r).origin === url.origin;
    } catch {
      return false;
    }
  });
}
