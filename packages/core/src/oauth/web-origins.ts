import { InvalidRequestError } from '../errors.js';
import type { Client } from '../ports/clients.js';
import { isPublicClient } from './client-type.js';
import { isLoopbackHost } from './redirect-uri.js';

/**
 * The web origins a client's browser code may call Gatehouse from: the origins of its
 * https redirect URIs plus its explicit `allowed_origins` — for public clients only.
 * A confidential client has a secret, and a secret never belongs in a browser (SEC-53).
 */
export function clientWebOrigins(
  client: Pick<Client, 'tokenEndpointAuthMethod' | 'redirectUris' | 'allowedOrigins'>,
): string[] {
  if (!isPublicClient(client)) return [];
  const origins = new Set(client.allowedOrigins);
  for (const uri of client.redirectUris) {
    if (!uri.startsWith('https://')) continue;
    try {
      origins.add(new URL(uri).origin);
    } catch {
      // Registration refuses unparsable URIs; an old row is simply not an origin.
    }
  }
  return [...origins];
}

/** True when `origin` (an `Origin` header, compared exactly) is one of the client's web origins. */
export function isClientWebOrigin(
  client: Pick<Client, 'tokenEndpointAuthMethod' | 'redirectUris' | 'allowedOrigins'>,
  origin: string,
): boolean {
  return clientWebOrigins(client).includes(origin);
}

export const CONFIDENTIAL_CLIENT_FROM_BROWSER =
  'this client has a secret and must call from its server; register a public client for browser apps';

/**
 * Token and revocation requests carrying an `Origin` header come from browser code.
 * Checked right after client authentication and before the code is spent or the refresh
 * token rotated, because a form POST needs no CORS preflight: without this check it would
 * be executed while the page can never read the answer (SEC-54). A confidential client is
 * refused outright; a public client only from one of its registered web origins.
 */
export function checkBrowserCaller(
  client: Pick<Client, 'tokenEndpointAuthMethod' | 'redirectUris' | 'allowedOrigins'>,
  origin: string | null | undefined,
): void {
  if (origin === null || origin === undefined) return;
  if (!isPublicClient(client)) throw new InvalidRequestError(CONFIDENTIAL_CLIENT_FROM_BROWSER);
  if (!isClientWebOrigin(client, origin)) {
    throw new InvalidRequestError(
      `the origin ${origin.slice(0, 200)} is not registered for this client: add it to allowed_origins`,
    );
  }
}

/**
 * Why `origin` may not be registered in `allowed_origins`, or null: exactly
 * `scheme://host[:port]` (what browsers send in `Origin`), https except loopback hosts
 * (or any host in development mode).
 */
export function allowedOriginProblem(origin: string, options: { development: boolean }): string | null {
  if (origin.length > 300) return 'must be at most 300 characters';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'must be an origin such as https://app.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.origin !== origin) {
    return `must be an origin exactly as browsers send it (${url.origin}), without path, slash or default port`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.development) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  return null;
}
