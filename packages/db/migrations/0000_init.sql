CREATE TABLE "attribution_verdicts" (
	"subject_kind" text NOT NULL,
	"subject_key" text NOT NULL,
	"repo" text NOT NULL,
	"class" text NOT NULL,
	"tool" text,
	"tools" text[] DEFAULT '{}' NOT NULL,
	"confidence" text,
	"subtype" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rule_version" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attribution_verdicts_subject_kind_subject_key_pk" PRIMARY KEY("subject_kind","subject_key"),
	CONSTRAINT "attribution_verdicts_subject_kind_check" CHECK ("attribution_verdicts"."subject_kind" in ('commit', 'change')),
	CONSTRAINT "attribution_verdicts_class_check" CHECK ("attribution_verdicts"."class" in ('ai', 'human', 'bot')),
	CONSTRAINT "attribution_verdicts_confidence_check" CHECK ("attribution_verdicts"."confidence" in ('high', 'medium', 'low'))
);
--> statement-breakpoint
CREATE TABLE "bots" (
	"login" text PRIMARY KEY NOT NULL,
	"user_id" bigint,
	"reason" text NOT NULL,
	"ai_tool" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"repo" text NOT NULL,
	"pr_number" integer,
	"sha" text,
	"merged_at" timestamp with time zone NOT NULL,
	"first_commit_at" timestamp with time zone,
	"deployed_at" timestamp with time zone,
	"deployment_id" bigint,
	"credited_person_id" text,
	"credited_login" text,
	"credit_reason" text,
	"lines_changed" integer,
	"trivial" boolean,
	"reverted_at" timestamp with time zone,
	"reverted_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "changes_kind_check" CHECK ("changes"."kind" in ('pull_request', 'direct_push'))
);
--> statement-breakpoint
CREATE TABLE "commit_co_authors" (
	"repo" text NOT NULL,
	"sha" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"login" text,
	CONSTRAINT "commit_co_authors_repo_sha_position_pk" PRIMARY KEY("repo","sha","position")
);
--> statement-breakpoint
CREATE TABLE "commits" (
	"repo" text NOT NULL,
	"sha" text NOT NULL,
	"message" text NOT NULL,
	"author_name" text NOT NULL,
	"author_email" text NOT NULL,
	"author_login" text,
	"author_id" bigint,
	"author_type" text,
	"committer_name" text NOT NULL,
	"committer_email" text NOT NULL,
	"committer_login" text,
	"committer_id" bigint,
	"committer_type" text,
	"authored_at" timestamp with time zone NOT NULL,
	"committed_at" timestamp with time zone NOT NULL,
	"parents" text[] DEFAULT '{}' NOT NULL,
	"additions" integer,
	"deletions" integer,
	CONSTRAINT "commits_repo_sha_pk" PRIMARY KEY("repo","sha")
);
--> statement-breakpoint
CREATE TABLE "deployment_changes" (
	"deployment_id" bigint NOT NULL,
	"change_key" text NOT NULL,
	"deployed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deployment_changes_deployment_id_change_key_pk" PRIMARY KEY("deployment_id","change_key")
);
--> statement-breakpoint
CREATE TABLE "deployment_statuses" (
	"deployment_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "deployment_statuses_deployment_id_created_at_state_pk" PRIMARY KEY("deployment_id","created_at","state")
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deployments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"repo" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"environment" text NOT NULL,
	"sha" text NOT NULL,
	"ref" text,
	"created_at" timestamp with time zone NOT NULL,
	"creator_login" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployments_natural_key" UNIQUE("repo","source","external_id"),
	CONSTRAINT "deployments_source_check" CHECK ("deployments"."source" in ('deployment', 'release', 'tag', 'workflow', 'merge'))
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"login" text PRIMARY KEY NOT NULL,
	"github_id" bigint,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identities" (
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"person_id" text NOT NULL,
	CONSTRAINT "person_identities_kind_value_pk" PRIMARY KEY("kind","value"),
	CONSTRAINT "person_identities_kind_check" CHECK ("person_identities"."kind" in ('login', 'user_id', 'email', 'name')),
	CONSTRAINT "person_identities_value_lowercase_check" CHECK ("person_identities"."value" = lower("person_identities"."value"))
);
--> statement-breakpoint
CREATE TABLE "pull_request_commits" (
	"repo" text NOT NULL,
	"number" integer NOT NULL,
	"sha" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "pull_request_commits_repo_number_sha_pk" PRIMARY KEY("repo","number","sha")
);
--> statement-breakpoint
CREATE TABLE "pull_requests" (
	"repo" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"author_login" text NOT NULL,
	"author_id" bigint,
	"author_type" text,
	"head_ref" text NOT NULL,
	"base_ref" text NOT NULL,
	"labels" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"merged_at" timestamp with time zone NOT NULL,
	"merged_by_login" text,
	"merged_by_id" bigint,
	"merged_by_type" text,
	"merge_method" text,
	"merge_commit_sha" text,
	"additions" integer NOT NULL,
	"deletions" integer NOT NULL,
	"changed_files" integer NOT NULL,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"files_complete" boolean DEFAULT true NOT NULL,
	"assignees" text[] DEFAULT '{}' NOT NULL,
	"review_requests" text[] DEFAULT '{}' NOT NULL,
	"reviewers" text[] DEFAULT '{}' NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pull_requests_repo_number_pk" PRIMARY KEY("repo","number")
);
--> statement-breakpoint
CREATE TABLE "repositories" (
	"full_name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"github_id" bigint,
	"default_branch" text,
	"tracked_branch" text,
	"deployment_method" text,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"scope" text NOT NULL,
	"stream" text NOT NULL,
	"updated_since" timestamp with time zone,
	"end_cursor" text,
	"etag" text,
	"last_run_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "sync_cursors_scope_stream_pk" PRIMARY KEY("scope","stream")
);
--> statement-breakpoint
CREATE TABLE "team_memberships" (
	"org" text NOT NULL,
	"team_slug" text NOT NULL,
	"person_id" text NOT NULL,
	CONSTRAINT "team_memberships_org_team_slug_person_id_pk" PRIMARY KEY("org","team_slug","person_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"org" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"parent_slug" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_org_slug_pk" PRIMARY KEY("org","slug")
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"source" text NOT NULL,
	"identity_kind" text NOT NULL,
	"identity_value" text NOT NULL,
	"person_id" text,
	"day" date NOT NULL,
	"tool" text NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6),
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_records_source_identity_kind_identity_value_day_tool_pk" PRIMARY KEY("source","identity_kind","identity_value","day","tool")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"action" text,
	"received_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "weekly_rollups" (
	"group_kind" text NOT NULL,
	"group_name" text NOT NULL,
	"week" text NOT NULL,
	"roster_size" integer NOT NULL,
	"active_engineers" integer NOT NULL,
	"merged_changes" integer NOT NULL,
	"deployed_changes" integer NOT NULL,
	"qualifying_changes" integer NOT NULL,
	"ai_qualifying_changes" integer NOT NULL,
	"nd" double precision NOT NULL,
	"aind" double precision NOT NULL,
	"adoption" double precision,
	"deployments" integer NOT NULL,
	"deploy_days" integer NOT NULL,
	"suppressed" boolean DEFAULT false NOT NULL,
	"figures" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "weekly_rollups_group_kind_group_name_week_pk" PRIMARY KEY("group_kind","group_name","week"),
	CONSTRAINT "weekly_rollups_group_kind_check" CHECK ("weekly_rollups"."group_kind" in ('org', 'team', 'repo')),
	CONSTRAINT "weekly_rollups_week_check" CHECK ("weekly_rollups"."week" ~ '^[0-9]{4}-W[0-9]{2}$')
);
--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_repo_repositories_full_name_fk" FOREIGN KEY ("repo") REFERENCES "public"."repositories"("full_name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_credited_person_id_people_id_fk" FOREIGN KEY ("credited_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "commit_co_authors" ADD CONSTRAINT "commit_co_authors_commit_fk" FOREIGN KEY ("repo","sha") REFERENCES "public"."commits"("repo","sha") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "commits_repo_repositories_full_name_fk" FOREIGN KEY ("repo") REFERENCES "public"."repositories"("full_name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "deployment_changes" ADD CONSTRAINT "deployment_changes_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_changes" ADD CONSTRAINT "deployment_changes_change_key_changes_key_fk" FOREIGN KEY ("change_key") REFERENCES "public"."changes"("key") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "deployment_statuses" ADD CONSTRAINT "deployment_statuses_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_repo_repositories_full_name_fk" FOREIGN KEY ("repo") REFERENCES "public"."repositories"("full_name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "pull_request_commits" ADD CONSTRAINT "pull_request_commits_pull_request_fk" FOREIGN KEY ("repo","number") REFERENCES "public"."pull_requests"("repo","number") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "pull_requests" ADD CONSTRAINT "pull_requests_repo_repositories_full_name_fk" FOREIGN KEY ("repo") REFERENCES "public"."repositories"("full_name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_team_fk" FOREIGN KEY ("org","team_slug") REFERENCES "public"."teams"("org","slug") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "attribution_verdicts_repo_idx" ON "attribution_verdicts" USING btree ("repo","subject_kind");--> statement-breakpoint
CREATE INDEX "attribution_verdicts_rule_version_idx" ON "attribution_verdicts" USING btree ("rule_version");--> statement-breakpoint
CREATE INDEX "changes_repo_merged_at_idx" ON "changes" USING btree ("repo","merged_at");--> statement-breakpoint
CREATE INDEX "changes_repo_deployed_at_idx" ON "changes" USING btree ("repo","deployed_at");--> statement-breakpoint
CREATE INDEX "changes_deployed_at_idx" ON "changes" USING btree ("deployed_at");--> statement-breakpoint
CREATE INDEX "changes_credited_person_deployed_at_idx" ON "changes" USING btree ("credited_person_id","deployed_at");--> statement-breakpoint
CREATE INDEX "changes_repo_sha_idx" ON "changes" USING btree ("repo","sha");--> statement-breakpoint
CREATE INDEX "commits_repo_committed_at_idx" ON "commits" USING btree ("repo","committed_at");--> statement-breakpoint
CREATE INDEX "deployment_changes_change_idx" ON "deployment_changes" USING btree ("change_key");--> statement-breakpoint
CREATE INDEX "deployments_repo_environment_created_at_idx" ON "deployments" USING btree ("repo","environment","created_at");--> statement-breakpoint
CREATE INDEX "deployments_repo_sha_idx" ON "deployments" USING btree ("repo","sha");--> statement-breakpoint
CREATE INDEX "person_identities_value_idx" ON "person_identities" USING btree ("value");--> statement-breakpoint
CREATE INDEX "person_identities_person_idx" ON "person_identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "pull_request_commits_sha_idx" ON "pull_request_commits" USING btree ("repo","sha");--> statement-breakpoint
CREATE INDEX "pull_requests_repo_merged_at_idx" ON "pull_requests" USING btree ("repo","merged_at");--> statement-breakpoint
CREATE INDEX "pull_requests_merged_at_idx" ON "pull_requests" USING btree ("merged_at");--> statement-breakpoint
CREATE INDEX "pull_requests_merge_commit_idx" ON "pull_requests" USING btree ("repo","merge_commit_sha");--> statement-breakpoint
CREATE INDEX "repositories_owner_idx" ON "repositories" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "team_memberships_person_idx" ON "team_memberships" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "usage_records_person_day_idx" ON "usage_records" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "usage_records_day_idx" ON "usage_records" USING btree ("day");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries" USING btree ("received_at");