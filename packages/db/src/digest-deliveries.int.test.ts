import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimDigestDelivery,
  listDigestDeliveries,
  markDigestDelivered,
  markDigestFailed,
} from "./repositories/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const t0 = new Date("2026-11-23T09:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);
const LEASE = 10 * 60_000;

describe.each(TEST_BACKENDS)("digest deliveries on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await t.drop();
  });
  const key = (channel: string) => ({ org: "acme", week: "2026-W47", channel });
  const claim = (channel: string, now = t0) =>
    claimDigestDelivery(t.db, { ...key(channel), channelType: "slack", now, leaseMs: LEASE });

  it("claims a new delivery once; a second claim within the lease is busy", async () => {
    expect(await claim("slack:a")).toEqual({ outcome: "claimed", attempts: 1 });
    expect(await claim("slack:a", later(1_000))).toEqual({ outcome: "busy" });
  });

  it("never claims a delivered one again", async () => {
    await markDigestDelivered(t.db, key("slack:a"), { at: later(2_000), contentHash: "h1", receipt: "slack" });
    expect(await claim("slack:a", later(3_000))).toEqual({ outcome: "delivered", deliveredAt: later(2_000) });
    expect(await claim("slack:a", later(LEASE * 10))).toMatchObject({ outcome: "delivered" });
    await markDigestFailed(t.db, key("slack:a"), { at: later(4_000), error: "late failure report" });
    const [row] = await listDigestDeliveries(t.db, { org: "acme", week: "2026-W47" });
    expect(row).toMatchObject({ status: "delivered", contentHash: "h1", lastError: null, attempts: 1 });
  });

  it("claims a failed one again at once, counting attempts", async () => {
    expect(await claim("email:b")).toMatchObject({ outcome: "claimed", attempts: 1 });
    await markDigestFailed(t.db, key("email:b"), { at: later(1_000), error: "550 mailbox unavailable" });
    expect(await claim("email:b", later(2_000))).toEqual({ outcome: "claimed", attempts: 2 });
  });

  it("takes over a claim whose worker died (older than the lease)", async () => {
    expect(await claim("file:c")).toMatchObject({ outcome: "claimed" });
    expect(await claim("file:c", later(LEASE - 1))).toEqual({ outcome: "busy" });
    expect(await claim("file:c", later(LEASE + 1))).toEqual({ outcome: "claimed", attempts: 2 });
  });

  it("lets exactly one of many concurrent claims through", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => claim("slack:race")));
    expect(results.filter((r) => r.outcome === "claimed")).toHaveLength(1);
  });
});
