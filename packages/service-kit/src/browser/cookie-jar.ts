/**
 * The cookies of a scripted browser for one origin. Enough of RFC 6265 for Gatehouse's pages:
 * Path (default path, path matching), Max-Age and Expires (deleting, and expiring later),
 * Secure (stored and sent only in a secure context) and the `__Host-`/`__Secure-` prefixes.
 * Cookies are keyed by name alone: every cookie the services set is at `Path=/`, and a
 * browser speaks to one origin, so (name, domain, path) would add nothing but lookups.
 */
export class CookieJar {
  private readonly entries = new Map<string, StoredCookie>();

  /** Stores (or deletes) what one `Set-Cookie` line says, for a response from `url`. */
  store(line: string, url: URL, now = Date.now()): void {
    const parsed = parseSetCookie(line, url, now);
    if (!parsed || !acceptable(parsed, url)) return;
    if (parsed.raw === '' || (parsed.expiresAt !== undefined && parsed.expiresAt <= now)) {
      this.entries.delete(parsed.name);
    } else {
      this.entries.set(parsed.name, parsed);
    }
  }

  /** The `Cookie` header for a request to `url`, or undefined when nothing applies. */
  header(url: URL, now = Date.now()): string | undefined {
    const sent: string[] = [];
    for (const cookie of this.entries.values()) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) continue;
      if (cookie.secure && !secureContext(url)) continue;
      if (!pathMatches(url.pathname, cookie.path)) continue;
      sent.push(`${cookie.name}=${cookie.raw}`);
    }
    return sent.length > 0 ? sent.join('; ') : undefined;
  }

  /** A cookie's value as the server meant it (percent-decoding undone), expired or not. */
  get(name: string): string | undefined {
    const cookie = this.entries.get(name);
    return cookie === undefined ? undefined : decoded(cookie.raw);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Plants a cookie (at `Path=/`, no expiry), as a test playing an attacker would. */
  set(name: string, value: string): void {
    this.entries.set(name, { name, raw: encodeURIComponent(value), path: '/', secure: false });
  }

  delete(name: string): boolean {
    return this.entries.delete(name);
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** `[name, value]` pairs, like a Map's. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const cookie of this.entries.values()) yield [cookie.name, decoded(cookie.raw)];
  }
}

interface StoredCookie {
  name: string;
  /** The value as it travels (what Set-Cookie said, what the Cookie header repeats). */
  raw: string;
  path: string;
  secure: boolean;
  expiresAt?: number;
}

interface ParsedCookie extends StoredCookie {
  domain?: string;
}

function parseSetCookie(line: string, url: URL, now: number): ParsedCookie | null {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  const raw = pair.slice(eq + 1).trim();
  const cookie: ParsedCookie = { name, raw, path: defaultPath(url), secure: false };
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'domain' && value !== '') cookie.domain = value.replace(/^\./, '').toLowerCase();
    else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) expires = Date.parse(value);
  }
  // Max-Age wins over Expires (RFC 6265 §5.3 step 3); zero or less means "delete now".
  if (maxAge !== undefined) cookie.expiresAt = maxAge <= 0 ? now : now + maxAge * 1000;
  else if (expires !== undefined) cookie.expiresAt = expires;
  return cookie;
}

/** What a browser refuses to store: Secure from an insecure page, broken prefixes, foreign domains. */
function acceptable(cookie: ParsedCookie, url: URL): boolean {
  if (cookie.secure && !secureContext(url)) return false;
  if (cookie.name.startsWith('__Secure-') && !cookie.secure) return false;
  if (
    cookie.name.startsWith('__Host-') &&
    (!cookie.secure || cookie.path !== '/' || cookie.domain !== undefined)
  ) {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return cookie.domain === undefined || host === cookie.domain || host.endsWith(`.${cookie.domain}`);
}

/** https, or a loopback host (browsers treat http://localhost as a secure context too). */
function secureContext(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/** RFC 6265 §5.1.4: the request path up to its last `/`. */
function defaultPath(url: URL): string {
  const last = url.pathname.lastIndexOf('/');
  return last <= 0 ? '/' : url.pathname.slice(0, last);
}

/** RFC 6265 §5.1.4: `/a` matches `/a`, `/a/` and `/a/b`, never `/ab`. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
