CREATE TABLE "quarantined_records" (
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"record_key" text NOT NULL,
	"code" text,
	"reason" text NOT NULL,
	"sizes" jsonb NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quarantined_records_kind_scope_record_key_pk" PRIMARY KEY("kind","scope","record_key")
);
