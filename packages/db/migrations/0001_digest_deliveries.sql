CREATE TABLE "digest_deliveries" (
	"org" text NOT NULL,
	"week" text NOT NULL,
	"channel" text NOT NULL,
	"channel_type" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"content_hash" text,
	"receipt" text,
	"last_error" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "digest_deliveries_org_week_channel_pk" PRIMARY KEY("org","week","channel")
);
