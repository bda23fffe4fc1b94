import { InvalidRequestError } from '../errors.js';
import { sharesOriginWithRegistered } from '../oauth/redirect-uri.js';

export interface TopupLinkInput {
  /** Public base URL of the provider, no trailing slash. */
  issuer: string;
  /** Public client id of the app the token was issued to. */
  clientId: string;
  /** The client's registered redirect URIs. */
  redirectUris: readonly string[];
  /** The `return_uri` query parameter as parsed: absent, one string, or (refused) several. */
  returnUri: unknown;
}

/**
 * The top-up page link for an app (API.md §5): `<issuer>/topup?client_id=…`, plus
 * `return_uri` when the app asked for one and it shares scheme, host and port
 * with one of the app's registered redirect URIs, so the top-up page never sends
 * users to a place the app does not control.
 */
export function topupLink(input: TopupLinkInput): string {
  const url = new URL(`${input.issuer}/topup`);
  url.searchParams.set('client_id', input.clientId);
  const returnUri = input.returnUri;
  if (returnUri !== undefined && returnUri !== '') {
    if (typeof returnUri !== 'string') throw new InvalidRequestError('return_uri must be given at most once');
    if (!sharesOriginWithRegistered(returnUri, input.redirectUris)) {
      throw new InvalidRequestError(
        "return_uri must be an http(s) URL with the same scheme, host and port as one of the app's registered redirect URIs",
      );
    }
    url.searchParams.set('return_uri', returnUri);
  }
  return url.toString();
}
