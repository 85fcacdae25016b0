import { and, asc, eq, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { digestDeliveries } from "../schema/digest-deliveries.js";

export type DigestDelivery = typeof digestDeliveries.$inferSelect;

/** One week's digest to one channel. */
export interface DigestDeliveryKey {
  org: string;
  week: string;
  channel: string;
}

export type DigestClaim =
  /** This caller may send now; it must then mark the delivery delivered or failed. */
  | { outcome: "claimed"; attempts: number }
  /** Already delivered: send nothing. */
  | { outcome: "delivered"; deliveredAt: Date | null }
  /** Another worker claimed it less than the lease ago and may be sending right now. */
  | { outcome: "busy" };

const keyOf = (key: DigestDeliveryKey) =>
  and(
    eq(digestDeliveries.org, key.org),
    eq(digestDeliveries.week, key.week),
    eq(digestDeliveries.channel, key.channel),
  );

/**
 * Claims the delivery of a week's digest to a channel, atomically: a new row, or a failed one,
 * or a claim older than `leaseMs` (its worker died mid-send) is claimed; a delivered one never
 * is. Two workers (or a worker and `yardstick digest --send`) cannot both send.
 */
export async function claimDigestDelivery(
  db: Database,
  key: DigestDeliveryKey & { channelType: string; now: Date; leaseMs: number },
): Promise<DigestClaim> {
  const inserted = await db
    .insert(digestDeliveries)
    .values({
      org: key.org,
      week: key.week,
      channel: key.channel,
      channelType: key.channelType,
      status: "sending",
      attempts: 1,
      claimedAt: key.now,
      updatedAt: key.now,
    })
    .onConflictDoNothing()
    .returning({ attempts: digestDeliveries.attempts });
  if (inserted[0] !== undefined) return { outcome: "claimed", attempts: inserted[0].attempts };
  const staleBefore = new Date(key.now.getTime() - key.leaseMs);
  const taken = await db
    .update(digestDeliveries)
    .set({
      status: "sending",
      attempts: sql`${digestDeliveries.attempts} + 1`,
      claimedAt: key.now,
      updatedAt: key.now,
    })
    .where(
      and(
        keyOf(key),
        ne(digestDeliveries.status, "delivered"),
        or(ne(digestDeliveries.status, "sending"), lt(digestDeliveries.claimedAt, staleBefore)),
      ),
    )
    .returning({ attempts: digestDeliveries.attempts });
  if (taken[0] !== undefined) return { outcome: "claimed", attempts: taken[0].attempts };
  const [row] = await db.select().from(digestDeliveries).where(keyOf(key));
  return row?.status === "delivered" ? { outcome: "delivered", deliveredAt: row.deliveredAt } : { outcome: "busy" };
}

/** Records a successful send (what was sent and where, without secrets). */
export async function markDigestDelivered(
  db: Database,
  key: DigestDeliveryKey,
  result: { at: Date; contentHash: string; receipt: string },
): Promise<void> {
  await db
    .update(digestDeliveries)
    .set({
      status: "delivered",
      deliveredAt: result.at,
      contentHash: result.contentHash,
      receipt: result.receipt,
      lastError: null,
      claimedAt: null,
      updatedAt: result.at,
    })
    .where(keyOf(key));
}

/** Records a failed send; the next attempt claims it again. */
export async function markDigestFailed(
  db: Database,
  key: DigestDeliveryKey,
  result: { at: Date; error: string },
): Promise<void> {
  await db
    .update(digestDeliveries)
    .set({ status: "failed", lastError: result.error.slice(0, 2_000), claimedAt: null, updatedAt: result.at })
    .where(and(keyOf(key), ne(digestDeliveries.status, "delivered")));
}

/** The deliveries of one week's digest, by channel. */
export async function listDigestDeliveries(
  db: Database,
  query: { org: string; week: string },
): Promise<DigestDelivery[]> {
  return db
    .select()
    .from(digestDeliveries)
    .where(and(eq(digestDeliveries.org, query.org), eq(digestDeliveries.week, query.week)))
    .orderBy(asc(digestDeliveries.channel));
}
