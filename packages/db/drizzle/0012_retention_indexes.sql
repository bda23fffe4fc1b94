-- Hand-written note: the retention job's cut-offs (SEC-96). Neither refresh-family column changes on
-- rotation, so rotations stay in-place (HOT) updates; legacy hashes get the index their cascade needs.
CREATE INDEX "audit_events_created_at_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "refresh_token_families_expires_at_idx" ON "refresh_token_families" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "refresh_token_families_revoked_at_idx" ON "refresh_token_families" USING btree ("revoked_at") WHERE "refresh_token_families"."revoked_at" is not null;--> statement-breakpoint
CREATE INDEX "refresh_token_legacy_hashes_family_id_idx" ON "refresh_token_legacy_hashes" USING btree ("family_id");