-- Hand-written note: the retention job's cut-offs (SEC-96). Neither refresh-family column changes on
-- rotation, so rotations stay in-place (HOT) updates; legacy hashes get the index their cascade needs.
CREATE INDEX "audit_events_created_at_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "refresh_token_families_expires_at_idx" ON "refresh_token_families" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "refresh_token_families_revoked_at_idx" ON "refresh_token_families" USING btree ("revoked_at") WHERE "refresh_token_families"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX "refresh_token_legacy_hashes_family_id_idx" ON "refresh_token_legacy_hashes" USING btree ("family_id");--> statement-breakpoint
-- Hand-written: half of every page free for in-place (HOT) rotations. At 80 % concurrent
-- rotations found no room on 2 % of their pages and moved the row, and the table grew to 2.5x
-- its families' size; at 50 % 100,000 rotations of 1,000 families leave it the size it had
-- after the first rotation (refresh-token-families.storage.test.ts). Pages written before this
-- migration keep their fill until the table is rewritten (VACUUM FULL or pg_repack).
ALTER TABLE "refresh_token_families" SET (fillfactor = 50);
