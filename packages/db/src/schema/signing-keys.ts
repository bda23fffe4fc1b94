import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** ID-token signing keys (OpenID Connect): the public JWK in clear, the private one as a JWE (SEC-42). */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  encryptedPrivateJwk: text('encrypted_private_jwk').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  activatesAt: timestamp('activates_at', { withTimezone: true }).notNull(),
});
