CREATE TABLE "incident_issues" (
	"repo" text NOT NULL,
	"number" integer NOT NULL,
	"label" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text NOT NULL,
	"state" text NOT NULL,
	"author_login" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_issues_repo_number_pk" PRIMARY KEY("repo","number")
);
--> statement-breakpoint
CREATE INDEX "incident_issues_created_at_idx" ON "incident_issues" USING btree ("created_at");