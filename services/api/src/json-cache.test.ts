import { describe, expect, it } from "vitest";
import { JsonCache } from "./json-cache.js";

describe("JsonCache", () => {
  it("returns what was kept, and keeps within its byte budget, least recently used out first", () => {
    const cache = new JsonCache(100); // 50 UTF-16 characters
    cache.set("a", "x".repeat(10));
    cache.set("b", "y".repeat(10));
    expect(cache.get("a")).toBe("x".repeat(10)); // a is now the most recently used
    cache.set("c", "z".repeat(10));
    expect(cache.usedBytes).toBe(60);
    cache.set("d", "w".repeat(10)); // 80 bytes: still fits
    cache.set("e", "v".repeat(10)); // 100 bytes: fits exactly
    cache.set("f", "u".repeat(10)); // over: b (least recently used) goes
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("x".repeat(10));
    expect(cache.usedBytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBe(5);
  });

  it("replaces a key's value and counts it once", () => {
    const cache = new JsonCache(1000);
    cache.set("k", "1234");
    cache.set("k", "12345678");
    expect(cache.get("k")).toBe("12345678");
    expect(cache.usedBytes).toBe(16);
    expect(cache.size).toBe(1);
  });

  it("does not keep an answer larger than a quarter of the budget", () => {
    const cache = new JsonCache(100);
    cache.set("big", "x".repeat(13)); // 26 bytes > 25
    expect(cache.get("big")).toBeUndefined();
    expect(cache.usedBytes).toBe(0);
  });
});
