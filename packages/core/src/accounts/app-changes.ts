import type { Client } from '../ports/clients.js';

type Compared = Pick<
  Client,
  | 'name'
  | 'description'
  | 'homepageUrl'
  | 'redirectUris'
  | 'allowedOrigins'
  | 'deviceGrantEnabled'
  | 'postLogoutRedirectUris'
  | 'idTokenSignedResponseAlg'
>;

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).join('\n') === (b ?? []).join('\n');

/**
 * The wire names of the settings an edit really changed, for the `client.updated` audit event.
 * The console's form sends every field, so comparing before and after is what tells a change
 * from a field sent back unchanged; lists compare in order, an absent list equals an empty one.
 */
export function changedAppFields(before: Compared, after: Compared): string[] {
  const changed: string[] = [];
  if (before.name !== after.name) changed.push('name');
  if (before.description !== after.description) changed.push('description');
  if (before.homepageUrl !== after.homepageUrl) changed.push('homepage_url');
  if (!same(before.redirectUris, after.redirectUris)) changed.push('redirect_uris');
  if (!same(before.allowedOrigins, after.allowedOrigins)) changed.push('allowed_origins');
  if (before.deviceGrantEnabled !== after.deviceGrantEnabled) changed.push('device_grant_enabled');
  if (!same(before.postLogoutRedirectUris, after.postLogoutRedirectUris)) {
    changed.push('post_logout_redirect_uris');
  }
  if (before.idTokenSignedResponseAlg !== after.idTokenSignedResponseAlg) {
    changed.push('id_token_signed_response_alg');
  }
  return changed;
}
