CREATE TABLE "charge_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"charge_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "charge_refunds_amount_check" CHECK ("charge_refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "charge_usage" (
	"user_id" integer NOT NULL,
	"client_id" integer NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"used" bigint NOT NULL,
	CONSTRAINT "charge_usage_pkey" PRIMARY KEY("user_id","client_id","period_start"),
	CONSTRAINT "charge_usage_used_check" CHECK ("charge_usage"."used" >= 0)
);
--> statement-breakpoint
CREATE TABLE "charges" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "charges_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"client_id" integer NOT NULL,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"captured_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"description" text NOT NULL,
	"reference" text,
	"period_start" timestamp with time zone NOT NULL,
	"hold_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "charges_amount_check" CHECK ("charges"."amount" > 0),
	CONSTRAINT "charges_captured_check" CHECK ("charges"."captured_amount" >= 0 AND "charges"."captured_amount" <= "charges"."amount"),
	CONSTRAINT "charges_refunded_check" CHECK ("charges"."refunded_amount" >= 0 AND "charges"."refunded_amount" <= "charges"."captured_amount")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_amount_check";--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_kind_check";--> statement-breakpoint
ALTER TABLE "balances" ADD COLUMN "held" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "charges_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "charge_limit" bigint;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "charge_period" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "held_change" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "client_id" integer;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "charge_id" text;--> statement-breakpoint
ALTER TABLE "charge_refunds" ADD CONSTRAINT "charge_refunds_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charge_usage" ADD CONSTRAINT "charge_usage_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charge_usage" ADD CONSTRAINT "charge_usage_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "charge_refunds_charge_id_idx" ON "charge_refunds" USING btree ("charge_id");--> statement-breakpoint
CREATE INDEX "charges_client_user_seq_idx" ON "charges" USING btree ("client_id","user_id","seq");--> statement-breakpoint
CREATE INDEX "charges_user_seq_idx" ON "charges" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "charges_held_expiry_idx" ON "charges" USING btree ("hold_expires_at") WHERE "charges"."status" = 'held';--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_charge_id_idx" ON "ledger_entries" USING btree ("charge_id");--> statement-breakpoint
ALTER TABLE "balances" ADD CONSTRAINT "balances_held_check" CHECK ("balances"."held" >= 0);--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_allowance_check" CHECK (("grants"."charge_limit" IS NULL AND "grants"."charge_period" IS NULL) OR ("grants"."charge_limit" > 0 AND "grants"."charge_period" IN ('day', 'week', 'month', 'total')));--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_amount_check" CHECK ("ledger_entries"."amount" <> 0 OR "ledger_entries"."held_change" <> 0);--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_kind_check" CHECK ("ledger_entries"."kind" in ('topup', 'credit', 'debit', 'refund', 'charge', 'hold', 'capture', 'release'));