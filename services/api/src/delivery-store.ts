import { type Database, markWebhookDelivery, recordWebhookDelivery, webhookDeliveryStatus } from "@yardstick/db";
import type { DeliveryStore } from "./webhooks.js";

/** Webhook deliveries remembered in the database (table webhook_deliveries), keyed by delivery id. */
export function databaseDeliveryStore(db: Database): DeliveryStore {
  return {
    async begin({ id, event, receivedAt }) {
      if (await recordWebhookDelivery(db, { deliveryId: id, event, receivedAt })) return "new";
      return (await webhookDeliveryStatus(db, id)) === "processed" ? "done" : "pending";
    },
    async complete(id) {
      await markWebhookDelivery(db, id, { status: "processed", at: new Date() });
    },
  };
}
