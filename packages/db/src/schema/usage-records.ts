import type { IdentityKind } from "@yardstick/core";
import { bigint, date, index, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { people } from "./people.js";

/**
 * Imported token and cost usage (METRICS.md "Cost"), per identity, day and tool, as the usage
 * report named it. Natural key (source, identity kind, identity value, day, tool), so
 * re-importing a report replaces its figures. `personId` is filled when the identity resolves.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    /** The report it came from, e.g. "copilot-usage", "claude-code-usage", "csv". */
    source: text().notNull(),
    identityKind: text().$type<IdentityKind>().notNull(),
    identityValue: text().notNull(),
    personId: text().references(() => people.id, { onDelete: "set null", onUpdate: "cascade" }),
    day: date({ mode: "string" }).notNull(),
    tool: text().notNull(),
    tokensIn: bigint({ mode: "number" }).notNull().default(0),
    tokensOut: bigint({ mode: "number" }).notNull().default(0),
    costUsd: numeric({ precision: 14, scale: 6, mode: "number" }),
    importedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.identityKind, t.identityValue, t.day, t.tool] }),
    index("usage_records_person_day_idx").on(t.personId, t.day),
    index("usage_records_day_idx").on(t.day),
  ],
);
