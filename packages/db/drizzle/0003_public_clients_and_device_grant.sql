ALTER TABLE "clients" ADD COLUMN "token_endpoint_auth_method" text DEFAULT 'client_secret_basic' NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "device_grant_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Clients registered without a secret before this migration were public already.
UPDATE "clients" SET "token_endpoint_auth_method" = 'none' WHERE "secret_hash" IS NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_auth_method_matches_secret" CHECK (("clients"."token_endpoint_auth_method" = 'none' AND "clients"."secret_hash" IS NULL) OR ("clients"."token_endpoint_auth_method" IN ('client_secret_basic', 'client_secret_post') AND "clients"."secret_hash" IS NOT NULL));