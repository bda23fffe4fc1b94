import type { Client, ClientPatch, ClientStore, NewClient, SigningAlg } from '@gatehouse/core';
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { clients } from '../schema/clients.js';
import { grants } from '../schema/grants.js';

type ClientRow = typeof clients.$inferSelect;

/** What a client may request when registration does not say: every scope Gatehouse knows. */
const DEFAULT_ALLOWED_SCOPES = ['profile', 'balance'];

function toClient(row: ClientRow): Client {
  return {
    id: row.id,
    clientId: row.clientId,
    secretHash: row.secretHash,
    name: row.name,
    description: row.description,
    homepageUrl: row.homepageUrl,
    redirectUris: row.redirectUris,
    allowedScopes: row.allowedScopes,
    ownerUserId: row.ownerUserId,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as Client['tokenEndpointAuthMethod'],
    allowedOrigins: row.allowedOrigins,
    deviceGrantEnabled: row.deviceGrantEnabled,
    trusted: row.trusted,
    chargesEnabled: row.chargesEnabled,
    disabled: row.disabled,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg as SigningAlg,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every column a patch may write: named one by one, so a caller's stray `id` or `clientId` never is. */
const PATCHABLE = [
  'name',
  'description',
  'homepageUrl',
  'redirectUris',
  'allowedScopes',
  'trusted',
  'chargesEnabled',
  'disabled',
  'secretHash',
  'allowedOrigins',
  'deviceGrantEnabled',
  'postLogoutRedirectUris',
  'idTokenSignedResponseAlg',
] as const satisfies readonly (keyof ClientPatch)[];

function patchedColumns(patch: ClientPatch): ClientPatch {
  const columns: Record<string, unknown> = {};
  for (const key of PATCHABLE) columns[key] = patch[key];
  return columns as ClientPatch;
}

export function createClientStore(db: Db): ClientStore {
  const findByClientId = db
    .select()
    .from(clients)
    .where(eq(clients.clientId, sql.placeholder('clientId')))
    .prepare('clients_find_by_client_id');
  const hasPublicWebOrigin = db
    .select({ found: sql<boolean>`true` })
    .from(clients)
    .where(
      sql`${clients.tokenEndpointAuthMethod} = 'none' AND NOT ${clients.disabled} AND (
        ${sql.placeholder('origin')}::text = ANY(${clients.allowedOrigins})
        OR EXISTS (
          SELECT 1 FROM unnest(${clients.redirectUris}) AS uri
          WHERE starts_with(uri, 'https://') AND starts_with(uri, ${sql.placeholder('origin')}::text || '/')
        )
      )`,
    )
    .limit(1)
    .prepare('clients_has_public_web_origin');
  const findById = db
    .select()
    .from(clients)
    .where(eq(clients.id, sql.placeholder('id')))
    .prepare('clients_find_by_id');

  return translateErrors({
    async create(client: NewClient): Promise<Client> {
      const [row] = await db
        .insert(clients)
        .values({
          clientId: client.clientId,
          secretHash: client.secretHash,
          name: client.name,
          description: client.description ?? '',
          homepageUrl: client.homepageUrl ?? null,
          redirectUris: client.redirectUris,
          allowedScopes: client.allowedScopes ?? DEFAULT_ALLOWED_SCOPES,
          ownerUserId: client.ownerUserId ?? null,
          tokenEndpointAuthMethod:
            client.tokenEndpointAuthMethod ?? (client.secretHash === null ? 'none' : 'client_secret_basic'),
          allowedOrigins: client.allowedOrigins ?? [],
          deviceGrantEnabled: client.deviceGrantEnabled ?? false,
          trusted: client.trusted ?? false,
          postLogoutRedirectUris: client.postLogoutRedirectUris ?? [],
          idTokenSignedResponseAlg: client.idTokenSignedResponseAlg ?? 'RS256',
        })
        .returning();
      return toClient(row!);
    },

    async findByClientId(clientId: string): Promise<Client | null> {
      const [row] = await findByClientId.execute({ clientId });
      return row ? toClient(row) : null;
    },

    async findById(id: number): Promise<Client | null> {
      const [row] = await findById.execute({ id });
      return row ? toClient(row) : null;
    },

    async listByOwner(ownerUserId: number): Promise<Client[]> {
      const rows = await db
        .select()
        .from(clients)
        .where(eq(clients.ownerUserId, ownerUserId))
        .orderBy(asc(clients.id));
      return rows.map(toClient);
    },

    async listAll(page?: { limit: number; offset: number }): Promise<Client[]> {
      const query = db.select().from(clients).orderBy(asc(clients.id));
      const rows = page ? await query.limit(page.limit).offset(page.offset) : await query;
      return rows.map(toClient);
    },

    async update(id: number, patch: ClientPatch): Promise<Client | null> {
      const [row] = await db
        .update(clients)
        // Drizzle skips undefined values: an absent field is left alone.
        .set({ ...patchedColumns(patch), updatedAt: sql`now()` })
        .where(eq(clients.id, id))
        .returning();
      return row ? toClient(row) : null;
    },

    // Grants and refresh tokens go with the client (ON DELETE CASCADE).
    async delete(id: number): Promise<boolean> {
      const rows = await db.delete(clients).where(eq(clients.id, id)).returning({ id: clients.id });
      return rows.length > 0;
    },

    async hasPublicWebOrigin(origin: string): Promise<boolean> {
      // An Origin header is short; anything longer is never registered.
      if (origin.length > 300) return false;
      const rows = await hasPublicWebOrigin.execute({ origin });
      return rows.length > 0;
    },

    async countAuthorizedUsers(id: number): Promise<number> {
      const [row] = await db.select({ users: count() }).from(grants).where(eq(grants.clientId, id));
      return row?.users ?? 0;
    },
  });
}
