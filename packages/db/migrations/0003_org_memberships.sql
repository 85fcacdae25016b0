CREATE TABLE "org_memberships" (
	"org" text NOT NULL,
	"person_id" text NOT NULL,
	"joined_at" timestamp with time zone,
	"left_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "org_memberships_org_person_id_pk" PRIMARY KEY("org","person_id")
);
--> statement-breakpoint
ALTER TABLE "org_memberships" ADD CONSTRAINT "org_memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "org_memberships_person_idx" ON "org_memberships" USING btree ("person_id");