import type { AiTool } from "@yardstick/core";
import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Automation accounts, which are never people: accounts of type Bot, logins ending in `[bot]`,
 * configured automation accounts, and AI agent accounts (then `aiTool` names the agent).
 * Natural key: the login, lowercase.
 */
export const bots = pgTable("bots", {
  login: text().primaryKey(),
  userId: bigint({ mode: "number" }),
  /** Why this account is a bot: "account_type", "bot_suffix", "configured" or "ai_agent". */
  reason: text().notNull(),
  aiTool: text().$type<AiTool>(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
