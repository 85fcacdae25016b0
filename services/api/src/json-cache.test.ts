import { describe, expect, it } from "vitest";
import { JsonCache } from "./json-cache.js";

describe("JsonCache", () => {
  it("returns what was kept, and keeps within its byte budget, least recently used out first", () => {
    const cache = new JsonCache(50); // 50 bytes
    cache.set("a", Buffer.from("x".repeat(10)));
    cache.set("b", Buffer.from("y".repeat(10)));
    expect(cache.get("a")?.toString()).toBe("x".repeat(10)); // a is now the most recently used
    cache.set("c", Buffer.from("z".repeat(10)));
    expect(cache.usedBytes).toBe(30);
    cache.set("d", Buffer.from("w".repeat(10))); // 40 bytes: still fits
    cache.set("e", Buffer.from("v".repeat(10))); // 50 bytes: fits exactly
    cache.set("f", Buffer.from("u".repeat(10))); // over: b (least recently used) goes
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.toString()).toBe("x".repeat(10));
    expect(cache.usedBytes).toBeLessThanOrEqual(50);
    expect(cache.size).toBe(5);
  });

  it("replaces a key's value and counts it once", () => {
    const cache = new JsonCache(1000);
    cache.set("k", Buffer.from("1234"));
    cache.set("k", Buffer.from("12345678"));
    expect(cache.get("k")?.toString()).toBe("12345678");
    expect(cache.usedBytes).toBe(8);
    expect(cache.size).toBe(1);
  });

  it("does not keep an answer larger than a quarter of the budget", () => {
    const cache = new JsonCache(100);
    cache.set("big", Buffer.from("x".repeat(26))); // 26 bytes > 25
    expect(cache.get("big")).toBeUndefined();
    expect(cache.usedBytes).toBe(0);
  });
});
