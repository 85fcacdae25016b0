CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"team" text,
	"login" text,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "api_tokens_name_unique" UNIQUE("name"),
	CONSTRAINT "api_tokens_hash_unique" UNIQUE("hash"),
	CONSTRAINT "api_tokens_role_check" CHECK ("api_tokens"."role" in ('viewer', 'lead', 'admin')),
	CONSTRAINT "api_tokens_lead_team_check" CHECK ("api_tokens"."role" <> 'lead' or "api_tokens"."team" is not null)
);
--> statement-breakpoint
CREATE TABLE "rollup_changes" (
	"group_kind" text NOT NULL,
	"group_name" text NOT NULL,
	"week" text NOT NULL,
	"change_key" text NOT NULL,
	"repo" text NOT NULL,
	"person_id" text,
	"ai" boolean NOT NULL,
	"qualifying" boolean NOT NULL,
	"exclusions" jsonb NOT NULL,
	"counted" boolean NOT NULL,
	"counted_ai" boolean NOT NULL,
	"merged_at" timestamp with time zone NOT NULL,
	"deployed_at" timestamp with time zone,
	"deployment_id" text,
	"lead_time_hours" double precision,
	CONSTRAINT "rollup_changes_group_kind_group_name_week_change_key_pk" PRIMARY KEY("group_kind","group_name","week","change_key")
);
--> statement-breakpoint
CREATE TABLE "rollup_deployments" (
	"group_kind" text NOT NULL,
	"group_name" text NOT NULL,
	"week" text NOT NULL,
	"deployment_id" text NOT NULL,
	"repo" text NOT NULL,
	"environment" text NOT NULL,
	"live_at" timestamp with time zone NOT NULL,
	"failed" boolean NOT NULL,
	"failure_reasons" jsonb NOT NULL,
	"recovery_hours" double precision,
	"ships_ai" boolean NOT NULL,
	"shipped" jsonb NOT NULL,
	CONSTRAINT "rollup_deployments_group_kind_group_name_week_deployment_id_pk" PRIMARY KEY("group_kind","group_name","week","deployment_id")
);
--> statement-breakpoint
CREATE TABLE "rollup_state" (
	"id" text PRIMARY KEY NOT NULL,
	"from_week" text NOT NULL,
	"to_week" text NOT NULL,
	"computed_now" timestamp with time zone NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"fingerprint" text NOT NULL,
	"last_mode" text NOT NULL,
	"last_run_at" timestamp with time zone NOT NULL,
	"last_full_at" timestamp with time zone NOT NULL,
	"notes" jsonb NOT NULL,
	"notes_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rollup_changes_change_key_idx" ON "rollup_changes" USING btree ("change_key");--> statement-breakpoint
CREATE INDEX "rollup_deployments_deployment_id_idx" ON "rollup_deployments" USING btree ("deployment_id");