import { type Config, isRegisteredRedirectUri, isVisibleAscii, type Stores } from '@gatehouse/core';
import type { FastifyReply } from 'fastify';

/**
 * SEC-18 / SEC-37: the pages' Content-Security-Policy. `form-action 'self'` keeps every
 * form on our origin; browsers also apply it to the redirects that follow a form post, so a
 * page whose form ends in a redirect to an application (consent, and login or sign-up on
 * the way to an authorization request) also names that application's registered
 * redirect origin — and only that one.
 */
export function cspDirectives(config: Pick<Config, 'env'>, formTargets: readonly string[] = []) {
  return {
    'default-src': ["'none'"],
    'base-uri': ["'none'"],
    'script-src': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'", ...formTargets],
    ...(config.env === 'production' ? { 'upgrade-insecure-requests': [] } : {}),
  } as Record<string, string[]>;
}

function serialise(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => (values.length > 0 ? `${name} ${values.join(' ')}` : name))
    .join('; ');
}

/** The origin a registered redirect URI sends the browser to, when it can be named in a CSP. */
function cspOrigin(redirectUri: string): string | null {
  if (!isVisibleAscii(redirectUri)) return null;
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Replaces the page's CSP with one whose form-action also allows `redirectUri`'s origin. */
export function allowFormRedirectTo(
  reply: FastifyReply,
  config: Pick<Config, 'env'>,
  redirectUri: string,
): void {
  const origin = cspOrigin(redirectUri);
  if (origin) reply.header('content-security-policy', serialise(cspDirectives(config, [origin])));
}

/** The registered redirect URI an authorization request in `returnTo` ends at, if any. */
async function redirectUriOfReturnTo(
  config: Pick<Config, 'issuer'>,
  stores: Stores,
  returnTo: string | null,
): Promise<string | null> {
  if (!returnTo?.startsWith('/api/oauth2/authorize?')) return null;
  const params = new URL(returnTo, config.issuer).searchParams;
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  if (!clientId || !redirectUri) return null;
  const client = await stores.db.clients.findByClientId(clientId);
  return client && !client.disabled && isRegisteredRedirectUri(redirectUri, client.redirectUris)
    ? redirectUri
    : null;
}

/**
 * For the login and sign-up pages: when `returnTo` is an authorization request of a known
 * client with a registered redirect URI, the form's redirect chain ends there.
 */
export async function allowFormRedirectOfReturnTo(
  reply: FastifyReply,
  config: Pick<Config, 'env' | 'issuer'>,
  stores: Stores,
  returnTo: string | null,
): Promise<void> {
  const redirectUri = await redirectUriOfReturnTo(config, stores, returnTo);
  if (redirectUri) allowFormRedirectTo(reply, config, redirectUri);
}

/**
 * SEC-18 for the passkey pages only: WebAuthn needs script, so these pages allow scripts
 * from our own origin (`script-src 'self'`: the SimpleWebAuthn bundle and passkeys.js,
 * no inline script, nothing from elsewhere); everything else stays as strict.
 */
export async function allowOwnScripts(
  reply: FastifyReply,
  config: Pick<Config, 'env' | 'issuer'>,
  stores: Stores,
  returnTo: string | null = null,
): Promise<void> {
  const redirectUri = await redirectUriOfReturnTo(config, stores, returnTo);
  const origin = redirectUri ? cspOrigin(redirectUri) : null;
  const directives = { ...cspDirectives(config, origin ? [origin] : []), 'script-src': ["'self'"] };
  reply.header('content-security-policy', serialise(directives));
}
