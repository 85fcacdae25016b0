CREATE TABLE "forgotten_people" (
	"pseudonym" text PRIMARY KEY NOT NULL,
	"identity_hashes" text[] DEFAULT '{}' NOT NULL,
	"forgotten_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
