import { type Database, markWebhookDelivery, recordWebhookDelivery, webhookDeliveries } from "@yardstick/db";
import { eq } from "drizzle-orm";
import type { DeliveryStore } from "./webhooks.js";

/** Webhook deliveries remembered in the database (table webhook_deliveries), keyed by delivery id. */
export function databaseDeliveryStore(db: Database): DeliveryStore {
  return {
    async begin({ id, event, receivedAt }) {
      if (await recordWebhookDelivery(db, { deliveryId: id, event, receivedAt })) return "new";
      const [row] = await db
        .select({ status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, id));
      return row?.status === "processed" ? "done" : "pending";
    },
    async complete(id) {
      await markWebhookDelivery(db, id, { status: "processed", at: new Date() });
    },
  };
}
