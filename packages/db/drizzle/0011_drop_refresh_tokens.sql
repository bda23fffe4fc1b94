-- The row-per-token table, unused since 0010 copied every token into refresh_token_families and
-- refresh_token_legacy_hashes (a token issued before 0010 is found by its hash there, SEC-81).
DROP TABLE "refresh_tokens" CASCADE;
