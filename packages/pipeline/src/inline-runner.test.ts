import { Writable } from "node:stream";
import { InputError } from "@yardstick/core";
import { createLogger } from "@yardstick/log";
import { describe, expect, it } from "vitest";
import { InlineRunner } from "./inline-runner.js";
import { type TestDeps, testCatalog, testProcessors } from "./test-catalog.js";

const silent = createLogger({
  service: "test",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

function runner() {
  const deps: TestDeps = { recorded: [], attempts: new Map() };
  const waits: number[] = [];
  const r = new InlineRunner({
    catalog: testCatalog,
    processors: testProcessors,
    deps,
    logger: silent,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { r, deps, waits };
}

describe("InlineRunner", () => {
  it("runs the job graph, and duplicate ids are no-ops", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.fan-out", { count: 3 });
    await r.enqueue("test.fan-out", { count: 3 });
    const summary = await r.drain();
    expect(deps.recorded).toEqual(["item-0", "item-1", "item-2"]);
    expect(summary).toEqual({ completed: 4, failed: [] });
  });

  it("retries retryable errors with backoff up to the attempts", async () => {
    const { r, deps, waits } = runner();
    await r.enqueue("test.flaky", { key: "a", failures: 2 });
    await r.enqueue("test.flaky", { key: "b", failures: 9 });
    const summary = await r.drain();
    expect(deps.recorded).toEqual(["a"]);
    expect(deps.attempts.get("b")).toBe(4);
    expect(summary.failed.map((f) => f.jobId)).toEqual(["flaky-b"]);
    expect(waits.every((ms) => ms >= 5 && ms <= 10)).toBe(true);
  });

  it("waits as long as the source asked when rate limited", async () => {
    const { r, deps, waits } = runner();
    await r.enqueue("test.rate-limited", { key: "x", waitMs: 1234 });
    await r.drain();
    expect(waits).toEqual([1234]);
    expect(deps.recorded).toEqual(["x"]);
  });

  it("puts a deferred job back behind the others without using an attempt", async () => {
    const { r, deps, waits } = runner();
    await r.enqueue("test.deferred", { key: "d", after: "x", delayMs: 50 });
    await r.enqueue("test.record", { key: "x" });
    const summary = await r.drain();
    expect(deps.recorded).toEqual(["x", "d"]);
    expect(deps.attempts.get("d")).toBe(2);
    expect(summary).toEqual({ completed: 2, failed: [] });
    // Another job was ready: nothing was waited for.
    expect(waits).toEqual([]);
  });

  it("waits the deferral's delay when nothing else can run, and gives up on a job deferred for ever", async () => {
    const { r, deps, waits } = runner();
    await r.enqueue("test.deferred", { key: "d", after: "never", delayMs: 50 });
    const summary = await r.drain();
    expect(summary.failed.map((f) => f.jobId)).toEqual(["deferred-d"]);
    expect(deps.attempts.get("d")).toBe(1_001);
    expect(waits).toHaveLength(1_000);
    expect(waits.every((ms) => ms === 50)).toBe(true);
  });

  it("fails non-retryable errors at once", async () => {
    const { r, deps } = runner();
    await r.enqueue("test.broken", { key: "z" });
    const summary = await r.drain();
    expect(deps.attempts.get("z")).toBe(1);
    expect(summary.failed).toHaveLength(1);
  });

  it("refuses an invalid payload with the field named", async () => {
    const { r } = runner();
    await expect(r.enqueue("test.record", { key: 7 } as never)).rejects.toThrowError(InputError);
    await expect(r.enqueue("test.record", { key: 7 } as never)).rejects.toThrowError(/key/);
  });
});
