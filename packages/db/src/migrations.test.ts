import { readdirSync, readFileSync } from "node:fs";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, readJournal } from "./migrate.js";
import * as schema from "./schema/index.js";

describe("committed migrations", () => {
  it("match the schema: a schema change without `pnpm --filter @yardstick/db generate` fails here", async () => {
    const snapshots = readdirSync(`${MIGRATIONS_FOLDER}/meta`)
      .filter((f) => f.endsWith("_snapshot.json"))
      .sort();
    const latest = snapshots.at(-1);
    expect(latest).toBeDefined();
    const previous = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/${latest}`, "utf8"));
    const current = generateDrizzleJson(schema, previous.id, undefined, "snake_case");
    expect(await generateMigration(previous, current)).toEqual([]);
  });

  it("each journal entry has its SQL file, in order", () => {
    const files = readdirSync(MIGRATIONS_FOLDER)
      .filter((f) => f.endsWith(".sql"))
      .sort();
    expect(readJournal().map((m) => `${m.tag}.sql`)).toEqual(files);
  });
});
