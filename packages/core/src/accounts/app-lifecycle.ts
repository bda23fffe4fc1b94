import { newClientCredentials, newClientSecret } from '../oauth/client-credentials.js';
import { isPublicClient } from '../oauth/client-type.js';
import { revokeClientTokens } from '../oauth/revoke-grants.js';
import { REGISTERED_CLIENT_SCOPES } from '../oauth/scopes.js';
import type { OidcClientSettings } from '../oidc/client-settings.js';
import type { Client, Stores } from '../ports/index.js';
import { changedAppFields } from './app-changes.js';
import type { AppRegistration, AppUpdate } from './app-registration.js';
import { ACCOUNT_LIMITS, AccountLimitError } from './limits.js';

/**
 * What registering, changing, rotating and deleting an app means, shared by every place a developer
 * manages apps (the developer API and the developer console), so they cannot drift apart.
 * Validation comes first (`validateAppRegistration` / `validateAppUpdate`); auditing is the
 * caller's, since only the caller knows who acted and from where.
 */

/** An app together with its client secret: the only moment the secret exists in plain text. */
export interface AppWithSecret {
  client: Client;
  /** Show it once; only its SHA-256 is stored. Null for a public client, which has none (SEC-50). */
  clientSecret: string | null;
}

/** A secret to show once, on the page that answers the POST that made it; why decides the page's words. */
export interface OneTimeSecret {
  value: string;
  reason: 'created' | 'rotated';
}

/**
 * What a page shows of a registered or rotated app's secret: its only showing, since only the
 * hash is kept. A public client has no secret, so nothing is shown (SEC-50).
 */
export function secretToShow(app: AppWithSecret, reason: OneTimeSecret['reason']): OneTimeSecret | null {
  return app.clientSecret === null ? null : { value: app.clientSecret, reason };
}

/**
 * Registers an app owned by `ownerUserId` (null: an admin-managed client), allowed every
 * known scope. A confidential app gets a secret; a public one (`none`) gets no secret.
 * Throws AccountLimitError when a user already owns `limit` apps (SEC-36); admin-managed
 * clients have no such limit.
 */
export async function registerApp(
  stores: Stores,
  ownerUserId: number | null,
  registration: AppRegistration,
  options: { trusted?: boolean; limit?: number; oidc?: OidcClientSettings } = {},
): Promise<AppWithSecret> {
  const limit = options.limit ?? ACCOUNT_LIMITS.appsPerUser;
  if (ownerUserId !== null && (await stores.db.clients.listByOwner(ownerUserId)).length >= limit) {
    throw new AccountLimitError('apps', limit);
  }
  const credentials = newClientCredentials();
  const publicClient = isPublicClient(registration);
  const client = await stores.db.clients.create({
    clientId: credentials.clientId,
    secretHash: publicClient ? null : credentials.secretHash,
    ...registration,
    ...options.oidc,
    allowedScopes: [...REGISTERED_CLIENT_SCOPES],
    ownerUserId,
    trusted: options.trusted ?? false,
  });
  return { client, clientSecret: publicClient ? null : credentials.clientSecret };
}

/**
 * Applies a validated change (`validateAppUpdate`, `validateOidcClientSettings`) and names
 * the settings it really changed, for the audit event. Null when the app no longer exists.
 */
export async function updateApp(
  stores: Stores,
  client: Client,
  update: AppUpdate & OidcClientSettings,
): Promise<{ client: Client; changed: string[] } | null> {
  const updated = await stores.db.clients.update(client.id, update);
  return updated ? { client: updated, changed: changedAppFields(client, updated) } : null;
}

/**
 * Gives the app a new secret. The stored hash is overwritten, so the old secret fails at
 * once; tokens already issued keep working. Null when the app no longer exists.
 */
export async function rotateAppSecret(
  stores: Stores,
  client: Pick<Client, 'id' | 'tokenEndpointAuthMethod'>,
): Promise<{ client: Client; clientSecret: string } | null> {
  if (isPublicClient(client)) return null;
  const { clientSecret, secretHash } = newClientSecret();
  const updated = await stores.db.clients.update(client.id, { secretHash });
  return updated ? { client: updated, clientSecret } : null;
}

/**
 * Deletes the app after revoking every token it holds (refresh tokens, then access tokens):
 * a crash between the steps leaves an app without working tokens, never the reverse.
 */
export async function deleteApp(stores: Stores, client: Pick<Client, 'id'>): Promise<boolean> {
  await revokeClientTokens(stores, client.id);
  return stores.db.clients.delete(client.id);
}

/** The app with this internal id, only when `userId` owns it; otherwise null (callers answer 404). */
export async function findOwnedApp(stores: Stores, userId: number, id: number): Promise<Client | null> {
  const client = await stores.db.clients.findById(id);
  return client && client.ownerUserId === userId ? client : null;
}
