import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * GitHub webhook deliveries seen, keyed by the `X-GitHub-Delivery` id, so a redelivery is
 * recognised and not processed twice.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    deliveryId: text().primaryKey(),
    event: text().notNull(),
    action: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    /** "received", "processed", "ignored" or "failed". */
    status: text().notNull().default("received"),
    processedAt: timestamp({ withTimezone: true }),
    error: text(),
  },
  (t) => [index("webhook_deliveries_received_at_idx").on(t.receivedAt)],
);
