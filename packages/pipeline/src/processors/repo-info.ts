import { type Database, repositories } from "@yardstick/db";
import { eq } from "drizzle-orm";

/** The stored default branch of a repository (null when it was never discovered). */
export async function defaultBranchOf(db: Database, fullName: string): Promise<string | null> {
  const [row] = await db
    .select({ defaultBranch: repositories.defaultBranch })
    .from(repositories)
    .where(eq(repositories.fullName, fullName));
  return row?.defaultBranch ?? null;
}
