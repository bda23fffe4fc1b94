import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const clients = pgTable(
  'clients',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: text('client_id').notNull().unique('clients_client_id_key'),
    secretHash: text('secret_hash'),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    homepageUrl: text('homepage_url'),
    redirectUris: text('redirect_uris').array().notNull(),
    allowedScopes: text('allowed_scopes').array().notNull(),
    ownerUserId: integer('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** `client_secret_basic` / `client_secret_post` (confidential) or `none` (public, no secret). */
    tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull().default('client_secret_basic'),
    /** Web origins (besides those of its https redirect URIs) a public client may call from (CORS). */
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    deviceGrantEnabled: boolean('device_grant_enabled').notNull().default(false),
    trusted: boolean('trusted').notNull().default(false),
    /** Set by an administrator only: may this app ask for `charge` (SEC-85)? */
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    /** Where RP-initiated logout may send the browser afterwards (exact match, SEC-47). */
    postLogoutRedirectUris: text('post_logout_redirect_uris').array().notNull().default([]),
    /** JWS alg of this client's ID tokens: RS256 or ES256. */
    idTokenSignedResponseAlg: text('id_token_signed_response_alg').notNull().default('RS256'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The developer console lists a user's apps.
  (t) => [
    index('clients_owner_user_id_idx').on(t.ownerUserId),
    // A public client has no secret and a confidential one always has one (SEC-50).
    check(
      'clients_auth_method_matches_secret',
      sql`(${t.tokenEndpointAuthMethod} = 'none' AND ${t.secretHash} IS NULL) OR (${t.tokenEndpointAuthMethod} IN ('client_secret_basic', 'client_secret_post') AND ${t.secretHash} IS NOT NULL)`,
    ),
  ],
);
