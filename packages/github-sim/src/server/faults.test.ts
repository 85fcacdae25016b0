import { describe, expect, it } from "vitest";
import { FaultInjector } from "./faults.js";
import { linkHeader, paginate, parsePage } from "./pagination.js";

describe("FaultInjector", () => {
  it("fails the same requests under the same seed, and roughly the configured share", () => {
    const run = (seed: number) => {
      const f = new FaultInjector(seed, { serverErrorRate: 0.1, resetRate: 0.05 });
      return Array.from({ length: 2000 }, () => f.next("/repos/a/b/pulls", false));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const faults = run(7);
    const errors = faults.filter((k) => k === "500" || k === "502" || k === "503").length;
    const resets = faults.filter((k) => k === "reset").length;
    expect(errors).toBeGreaterThan(140);
    expect(errors).toBeLessThan(260);
    expect(resets).toBeGreaterThan(60);
    expect(resets).toBeLessThan(140);
  });

  it("serves queued faults first and honours the path pattern", () => {
    const f = new FaultInjector(1, { queue: ["502", "reset"], pathPattern: "^/graphql" });
    expect(f.next("/repos/a/b", false)).toBeNull();
    expect(f.next("/graphql", true)).toBe("502");
    expect(f.next("/graphql", true)).toBe("reset");
    expect(f.next("/graphql", true)).toBeNull();
  });
});

describe("pagination", () => {
  it("clamps per_page to 100 and defaults to 30", () => {
    expect(parsePage(new URLSearchParams("per_page=500&page=3"))).toEqual({ perPage: 100, page: 3 });
    expect(parsePage(new URLSearchParams(""))).toEqual({ perPage: 30, page: 1 });
    expect(paginate([1, 2, 3, 4, 5], { perPage: 2, page: 3 })).toEqual({ items: [5], lastPage: 3 });
    expect(paginate([1, 2, 3, 4, 5], { perPage: 2, page: 1 }, 3)).toEqual({ items: [1, 2], lastPage: 2 });
  });

  it("formats Link as GitHub does", () => {
    const u = new URL("http://h/x?per_page=2&page=2");
    expect(linkHeader(u, 2, 3)).toBe(
      '<http://h/x?per_page=2&page=1>; rel="prev", <http://h/x?per_page=2&page=3>; rel="next", <http://h/x?per_page=2&page=3>; rel="last", <http://h/x?per_page=2&page=1>; rel="first"',
    );
    expect(linkHeader(new URL("http://h/x"), 1, 1)).toBeNull();
  });
});
