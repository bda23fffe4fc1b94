import { compactVerify, createLocalJWKSet } from 'jose';
import { InvalidRequestError } from '../errors.js';
import { isRegisteredRedirectUri } from '../oauth/redirect-uri.js';
import type { Client } from '../ports/clients.js';
import type { KeyRing } from './key-ring.js';

/** What an `id_token_hint` says, once its signature and issuer are checked. */
export interface IdTokenHint {
  sub: string;
  aud: string[];
  sid: string | null;
}

/**
 * Reads an `id_token_hint` (OIDC RP-Initiated Logout §2): one of our ID tokens, expired or
 * not — only the signature (by a published key) and `iss` are checked. Null for anything else.
 */
export async function readIdTokenHint(
  token: string,
  keys: KeyRing,
  issuer: string,
  now: number,
): Promise<IdTokenHint | null> {
  try {
    const { payload } = await compactVerify(token, createLocalJWKSet(await keys.jwks(now)));
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.iss !== issuer || typeof claims.sub !== 'string') return null;
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    return {
      sub: claims.sub,
      aud: aud.filter((a): a is string => typeof a === 'string'),
      sid: typeof claims.sid === 'string' ? claims.sid : null,
    };
  } catch {
    return null;
  }
}

/**
 * SEC-47: where the browser may go after logout — only a URI registered for the client as a
 * post-logout redirect URI, character for character. Null when none was asked for. Errors
 * are shown as a page, never redirected.
 */
export function checkPostLogoutRedirect(
  client: Pick<Client, 'postLogoutRedirectUris' | 'disabled'> | null,
  uri: string | undefined,
): string | null {
  if (uri === undefined || uri === '') return null;
  if (client === null || client.disabled) {
    throw new InvalidRequestError('post_logout_redirect_uri needs a known client_id or id_token_hint');
  }
  if (!isRegisteredRedirectUri(uri, client.postLogoutRedirectUris ?? [])) {
    throw new InvalidRequestError('post_logout_redirect_uri is not registered for this application');
  }
  return uri;
}

/**
 * SEC-47: the session ends without a question only when the hint is one of our ID tokens for
 * this very user and browser session; a missing, foreign or stale hint asks the user first
 * (the request may come from anywhere).
 */
export function logoutNeedsConfirmation(
  hint: IdTokenHint | null,
  session: { userId: number; sid: string },
): boolean {
  return hint === null || hint.sub !== String(session.userId) || hint.sid !== session.sid;
}
