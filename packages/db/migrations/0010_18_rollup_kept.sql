CREATE TABLE "rollup_kept" (
	"id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"generation" integer NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"computed_now" timestamp with time zone NOT NULL,
	"heads" jsonb NOT NULL,
	"meta" jsonb NOT NULL,
	"fact_count" integer NOT NULL,
	"checksum" numeric NOT NULL,
	"saved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_kept_facts" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"ord" bigint NOT NULL,
	"week" text NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "rollup_kept_facts_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE INDEX "rollup_kept_facts_week_idx" ON "rollup_kept_facts" USING btree ("kind","week");