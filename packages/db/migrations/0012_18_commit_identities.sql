CREATE TABLE "commit_author_identities" (
	"login" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
-- Every identity the stored commits hold (what attribution read with a DISTINCT over all commits until now); before the index, which is built once over the result.
INSERT INTO "commit_author_identities" ("login", "email", "name")
SELECT DISTINCT "author_login", "author_email", "author_name" FROM "commits" WHERE "author_login" IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX "commit_author_identities_key" ON "commit_author_identities" USING btree ("login",md5("email"),md5("name"));
