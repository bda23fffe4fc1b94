CREATE TABLE "refresh_token_families" (
	"id" text PRIMARY KEY NOT NULL,
	"client_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"scopes" text[] NOT NULL,
	"generation" integer DEFAULT 0 NOT NULL,
	"token_hash" text NOT NULL,
	"previous_hash" text,
	"key_hash" text,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"auth_time" integer,
	"sid" text
);
--> statement-breakpoint
CREATE TABLE "refresh_token_legacy_hashes" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"family_id" text NOT NULL,
	"generation" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refresh_token_families" ADD CONSTRAINT "refresh_token_families_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_token_families" ADD CONSTRAINT "refresh_token_families_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_token_legacy_hashes" ADD CONSTRAINT "refresh_token_legacy_hashes_family_id_refresh_token_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."refresh_token_families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refresh_token_families_user_id_client_id_idx" ON "refresh_token_families" USING btree ("user_id","client_id");--> statement-breakpoint
CREATE INDEX "refresh_token_families_client_id_idx" ON "refresh_token_families" USING btree ("client_id");--> statement-breakpoint
-- Hand-written: room on every page for in-place (HOT) rotations of the family rows.
ALTER TABLE "refresh_token_families" SET (fillfactor = 80);--> statement-breakpoint
-- Hand-written backfill: every refresh token issued so far stays valid (nobody is signed out).
-- Each family's tokens are numbered in issue order, its live token last, as generations; the
-- live (or else the last) token becomes the family row's current token, the one it replaced
-- its previous token. Every legacy hash is kept with its family and generation, so a legacy
-- token is still found by its hash: the current one rotates, a spent one is a reuse (SEC-11).
WITH "legacy_ranked" AS (
  SELECT t.*,
    (row_number() OVER (PARTITION BY t.family_id ORDER BY (t.rotated_at IS NULL), t.created_at, t.token_hash) - 1)::integer AS generation,
    count(*) OVER (PARTITION BY t.family_id) AS family_size,
    min(t.created_at) OVER (PARTITION BY t.family_id) AS family_created_at,
    max(t.revoked_at) OVER (PARTITION BY t.family_id) AS family_revoked_at
  FROM "refresh_tokens" t
)
INSERT INTO "refresh_token_families"
  ("id", "client_id", "user_id", "scopes", "generation", "token_hash", "previous_hash", "key_hash",
   "rotated_at", "revoked_at", "created_at", "expires_at", "auth_time", "sid")
SELECT cur.family_id, cur.client_id, cur.user_id, cur.scopes, cur.generation, cur.token_hash,
  coalesce(prev.token_hash, cur.token_hash), NULL, coalesce(prev.rotated_at, cur.created_at),
  cur.family_revoked_at, cur.family_created_at,
  cur.expires_at, cur.auth_time, cur.sid
FROM "legacy_ranked" cur
LEFT JOIN "legacy_ranked" prev
  ON prev.family_id = cur.family_id AND prev.generation = cur.generation - 1
WHERE cur.generation = cur.family_size - 1;--> statement-breakpoint
WITH "legacy_ranked" AS (
  SELECT t.*,
    (row_number() OVER (PARTITION BY t.family_id ORDER BY (t.rotated_at IS NULL), t.created_at, t.token_hash) - 1)::integer AS generation,
    count(*) OVER (PARTITION BY t.family_id) AS family_size,
    min(t.created_at) OVER (PARTITION BY t.family_id) AS family_created_at,
    max(t.revoked_at) OVER (PARTITION BY t.family_id) AS family_revoked_at
  FROM "refresh_tokens" t
)
INSERT INTO "refresh_token_legacy_hashes" ("token_hash", "family_id", "generation")
SELECT token_hash, family_id, generation FROM "legacy_ranked";
