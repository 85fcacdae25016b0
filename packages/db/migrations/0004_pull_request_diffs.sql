ALTER TABLE "pull_requests" ADD COLUMN "diff_files" jsonb;--> statement-breakpoint
ALTER TABLE "pull_requests" ADD COLUMN "diff_files_complete" boolean;--> statement-breakpoint
ALTER TABLE "pull_requests" ADD COLUMN "diff_read_at" timestamp with time zone;