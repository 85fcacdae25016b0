import type { RollupStamp } from "@yardstick/db";
import { describe, expect, it } from "vitest";
import { answerKey, preparedAsks } from "./metrics-answers.js";

const at = new Date("2026-11-25T12:00:00Z"); // a Wednesday of 2026-W48
const stamp = (over: Partial<RollupStamp> = {}): RollupStamp => ({
  id: "state",
  fromWeek: "2025-W40",
  toWeek: "2026-W48",
  computedNow: at,
  watermark: at,
  fingerprint: "f1",
  lastMode: "incremental",
  lastRunAt: at,
  lastFullAt: at,
  notesAt: at,
  ...over,
});

describe("preparedAsks", () => {
  it("prepares the last complete week, its 12 weeks and its year, of every kind, for both views, smallest first", () => {
    const asks = preparedAsks(stamp(), "UTC");
    expect(asks).toHaveLength(18);
    expect(asks.slice(0, 6).every((a) => a.from === "2026-W47" && a.to === "2026-W47")).toBe(true);
    expect(asks.slice(6, 12).every((a) => a.from === "2026-W36" && a.to === "2026-W47")).toBe(true);
    expect(asks.slice(12).every((a) => a.from === "2025-W48" && a.to === "2026-W47")).toBe(true);
    expect(new Set(asks.map((a) => `${a.group}/${a.admin}`)).size).toBe(6);
  });

  it("ends at the rollups' last week when it is complete, and starts no earlier than their first", () => {
    const asks = preparedAsks(stamp({ fromWeek: "2026-W30", toWeek: "2026-W44" }), "UTC");
    expect(asks.every((a) => a.to === "2026-W44")).toBe(true);
    expect(asks.at(-1)?.from).toBe("2026-W30");
  });

  it("takes the only week when the rollups cover nothing complete", () => {
    const asks = preparedAsks(stamp({ fromWeek: "2026-W48", toWeek: "2026-W48" }), "UTC");
    expect(asks.every((a) => a.from === "2026-W48" && a.to === "2026-W48")).toBe(true);
  });

  it("reads the current week in the configured time zone", () => {
    // Monday 2026-11-30 03:00 UTC is still Sunday of 2026-W48 in Los Angeles.
    const monday = new Date("2026-11-30T03:00:00Z");
    const s = stamp({ computedNow: monday, toWeek: "2026-W49" });
    expect(preparedAsks(s, "UTC")[0]?.to).toBe("2026-W48");
    expect(preparedAsks(s, "America/Los_Angeles")[0]?.to).toBe("2026-W47");
  });
});

describe("answerKey", () => {
  const ask = { from: "2026-W40", to: "2026-W47", group: "team" as const, admin: false };
  it("changes with the rollup run, the question and the view, and with nothing else", () => {
    const k = answerKey(stamp(), ask);
    expect(answerKey(stamp({ lastMode: "full", notesAt: new Date(0) }), ask)).toBe(k);
    expect(answerKey(stamp({ lastRunAt: new Date(1) }), ask)).not.toBe(k);
    expect(answerKey(stamp({ computedNow: new Date(1) }), ask)).not.toBe(k);
    expect(answerKey(stamp({ watermark: new Date(1) }), ask)).not.toBe(k);
    expect(answerKey(stamp({ fingerprint: "f2" }), ask)).not.toBe(k);
    expect(answerKey(stamp(), { ...ask, admin: true })).not.toBe(k);
    expect(answerKey(stamp(), { ...ask, name: "payments" })).not.toBe(k);
    expect(answerKey(stamp(), { ...ask, group: "repo" })).not.toBe(k);
    expect(answerKey(stamp(), { ...ask, to: "2026-W46" })).not.toBe(k);
  });
});
