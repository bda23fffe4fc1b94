/**
 * Redirect URIs are compared as exact strings (RFC 9700 §2.1): no normalisation,
 * no prefix or case folding, so what was registered is what is redirected to.
 * A public client's loopback IP redirect URIs are the one exception (SEC-51): see
 * `redirectUriMatches`.
 */
export function isRegisteredRedirectUri(
  candidate: string,
  registered: readonly string[],
  options: { publicClient?: boolean } = {},
): boolean {
  if (registered.includes(candidate)) return true;
  if (!options.publicClient) return false;
  return registered.some((r) => loopbackMatchesAnyPort(candidate, r));
}

/**
 * `http://127.0.0.1` or `http://[::1]`, an optional port, then the end, a path or a query.
 * Matched on the string, not a parsed URL, so the only freedom is the port: what follows
 * it must be byte-identical. `localhost` is deliberately absent (RFC 8252 §8.3: a name
 * can resolve elsewhere).
 */
const LOOPBACK_IP_PREFIX = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([1-9][0-9]{0,4}))?(?=[/?]|$)/;

function withoutLoopbackPort(uri: string): string | null {
  const match = LOOPBACK_IP_PREFIX.exec(uri);
  if (!match) return null;
  if (match[2] !== undefined && Number(match[2]) > 65_535) return null;
  return `http://${match[1]}${uri.slice(match[0].length)}`;
}

/**
 * RFC 8252 §7.3 for public (native) clients: a registered `http://127.0.0.1/…` or
 * `http://[::1]/…` redirect URI matches a request with any port and otherwise the
 * identical string, since a native app picks its port when it runs (SEC-51).
 */
export function loopbackMatchesAnyPort(candidate: string, registered: string): boolean {
  const a = withoutLoopbackPort(candidate);
  return a !== null && a === withoutLoopbackPort(registered);
}

/**
 * A private-use URI scheme (RFC 8252 §7.1) is a reverse domain name: at least two
 * dot-separated labels, e.g. `com.example.app`. Only public (native) clients may
 * register one (SEC-52).
 */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

function privateUseRedirectProblem(uri: string, url: URL, publicClient: boolean): string | null {
  const scheme = url.protocol.slice(0, -1);
  if (!PRIVATE_USE_SCHEME.test(scheme)) {
    return `must use https (the ${scheme} scheme is not allowed)`;
  }
  if (!publicClient) {
    return `uses the private-use scheme ${scheme}: only apps registered as running on a device (public clients) may`;
  }
  if (uri.includes('#')) return 'must not contain a fragment (#…)';
  if (url.host !== '' || !url.pathname.startsWith('/') || uri.startsWith(`${scheme}://`)) {
    return `must have the form ${scheme}:/path (RFC 8252 §7.1), without a host`;
  }
  return null;
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
 * loopback hosts (or any host in development mode). Public clients may also register a
 * reverse-domain private-use scheme (SEC-52).
 */
export function redirectUriProblem(
  uri: string,
  options: { development: boolean; publicClient?: boolean },
): string | null {
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
    return privateUseRedirectProblem(uri, url, options.publicClient ?? false);
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
