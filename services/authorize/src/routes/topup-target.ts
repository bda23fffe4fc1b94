import { type Client, sharesOriginWithRegistered } from '@gatehouse/core';
import { PageError } from '../browser/page-error.js';

/** Where the top-up page came from and may lead back to, both checked. */
export interface TopupTarget {
  /** The app that sent the user (enabled), or null when the page was opened directly. */
  client: Client | null;
  /**
   * The app's `return_uri` exactly as received: an http(s) URL on the origin of one of the
   * client's registered redirect URIs. Carried in the form so POST re-checks the same string.
   */
  returnUri: string | null;
}

const MAX_CLIENT_ID = 200;
/** The limit of a registered redirect URI (SEC-21). */
const MAX_RETURN_URI = 2000;

const HINT = 'Go back to the application and try again. If it keeps happening, tell its developer.';

/** The detail never quotes the refused address: the page must not show an unchecked URL. */
function badReturnUri(detail: string): PageError {
  return new PageError(400, 'Invalid return address', `${detail} ${HINT}`);
}

/**
 * One optional parameter: absent or empty → null; given more than once (an array after
 * parsing) → a 400 page rather than silently picking one.
 */
function optional(source: unknown, name: string): string | null {
  if (source === null || typeof source !== 'object') return null;
  const value = (source as Record<string, unknown>)[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') {
    throw new PageError(400, 'Invalid request', `The ${name} parameter must be given at most once. ${HINT}`);
  }
  return value;
}

/**
 * Step 1: `client_id` names an enabled client (or is absent). Unknown and disabled clients
 * are 400 pages, like the authorize endpoint's.
 */
export async function checkTopupClient(
  clientId: string | null,
  findClient: (clientId: string) => Promise<Client | null>,
): Promise<Client | null> {
  if (clientId === null) return null;
  const client = clientId.length > MAX_CLIENT_ID ? null : await findClient(clientId);
  if (!client || client.clientId !== clientId) {
    throw new PageError(
      400,
      'Unknown application',
      `The application that sent you here is not registered with Gatehouse. ${HINT}`,
    );
  }
  if (client.disabled) {
    throw new PageError(400, 'Unknown application', `This application has been disabled. ${HINT}`);
  }
  return client;
}

/**
 * Step 2 (API.md §5): `return_uri` needs a client and must share scheme, host and port with
 * one of that client's registered redirect URIs (http(s) only, no userinfo, no backslash).
 * Whitespace and control characters are refused too, though the URL parser would strip
 * them: what is carried and re-checked is exactly what was checked.
 */
export function checkReturnUri(returnUri: string | null, client: Client | null): string | null {
  if (returnUri === null) return null;
  if (!client) {
    throw badReturnUri('A return address was given without the application (client_id) it belongs to.');
  }
  if (returnUri.length > MAX_RETURN_URI || hasSpaceOrControl(returnUri)) {
    throw badReturnUri('The return address is not valid.');
  }
  if (!sharesOriginWithRegistered(returnUri, client.redirectUris)) {
    throw badReturnUri(`The return address is not one that ${client.name} registered with Gatehouse.`);
  }
  return returnUri;
}

function hasSpaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Reads and checks `client_id` and `return_uri` from a query (GET) or a form body (POST). */
export async function checkTopupTarget(
  source: unknown,
  findClient: (clientId: string) => Promise<Client | null>,
): Promise<TopupTarget> {
  const clientId = optional(source, 'client_id');
  const rawReturnUri = optional(source, 'return_uri');
  const client = await checkTopupClient(clientId, findClient);
  return { client, returnUri: checkReturnUri(rawReturnUri, client) };
}

/**
 * The way back after a successful top-up: the checked `return_uri` with `topup=success`
 * in its query (any earlier `topup` replaced, the rest of the query kept) and no fragment.
 */
export function successReturnUrl(returnUri: string): URL {
  const url = new URL(returnUri);
  url.searchParams.set('topup', 'success');
  url.hash = '';
  return url;
}
