import { type Database, webhookDeliveries } from "@yardstick/db";
import { eq } from "drizzle-orm";
import type { DeliveryStore } from "./webhooks.js";

/** Webhook deliveries remembered in the database (table webhook_deliveries), keyed by delivery id. */
export function databaseDeliveryStore(db: Database): DeliveryStore {
  return {
    async begin({ id, event, receivedAt }) {
      const inserted = await db
        .insert(webhookDeliveries)
        .values({ deliveryId: id, event, receivedAt, status: "received" })
        .onConflictDoNothing({ target: webhookDeliveries.deliveryId })
        .returning({ id: webhookDeliveries.deliveryId });
      if (inserted.length > 0) return "new";
      const [row] = await db
        .select({ status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, id));
      return row?.status === "processed" ? "done" : "pending";
    },
    async complete(id) {
      await db
        .update(webhookDeliveries)
        .set({ status: "processed", processedAt: new Date() })
        .where(eq(webhookDeliveries.deliveryId, id));
    },
  };
}
