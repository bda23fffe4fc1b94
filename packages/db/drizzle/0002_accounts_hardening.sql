DROP INDEX "ledger_entries_user_idempotency_key";--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "idempotency_scope" text;--> statement-breakpoint
-- SEC-33: a key now belongs to its caller (the actor). Existing keys were unique per user, so the
-- same key may already name changes for several users: the oldest keeps the caller's scope,
-- the others a per-user legacy scope, so nothing is rewritten but the scope and no row is lost.
UPDATE "ledger_entries" AS e SET "idempotency_scope" = CASE
  WHEN e."id" = (
    SELECT min(f."id") FROM "ledger_entries" AS f
    WHERE f."actor" = e."actor" AND f."idempotency_key" = e."idempotency_key"
  ) THEN e."actor"
  ELSE 'legacy-user:' || e."user_id" || ':' || e."actor"
END
WHERE e."idempotency_key" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_idempotency_scope_key" ON "ledger_entries" USING btree ("idempotency_scope","idempotency_key");
