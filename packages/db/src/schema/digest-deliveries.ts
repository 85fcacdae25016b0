import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One weekly digest's delivery to one channel (a file directory, a Slack webhook, an email
 * list). Natural key (organisation, week, channel), so each week goes once per channel: a
 * delivered row is never sent again, and a retried job resends only the channels not delivered.
 * `channel` is a stable key without secrets (a hash of the webhook URL, the recipients).
 */
export const digestDeliveries = pgTable(
  "digest_deliveries",
  {
    org: text().notNull(),
    /** ISO week of the digest, e.g. "2026-W47". */
    week: text().notNull(),
    channel: text().notNull(),
    /** "file", "slack" or "email". */
    channelType: text().notNull(),
    /** "sending" (claimed by a worker), "delivered" or "failed". */
    status: text().$type<"sending" | "delivered" | "failed">().notNull(),
    attempts: integer().notNull().default(0),
    /** When the current claim was taken; a claim older than the lease is taken over. */
    claimedAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    /** SHA-256 of what was sent (the Markdown digest), to tell which version went out. */
    contentHash: text(),
    /** Where it went without secrets: file paths, an SMTP message id, "slack". */
    receipt: text(),
    lastError: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.org, t.week, t.channel] })],
);
