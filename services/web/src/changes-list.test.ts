import { describe, expect, it } from "vitest";
import { cursorOf, DEFAULT_PAGE_SIZE, listState } from "./changes-list.js";

describe("the group-week page's change list, from its address", () => {
  it("reads the filters, page size and position; ignores what it does not know", () => {
    const s = listState(new URLSearchParams("qualifying=true&ai=true&size=20&cursor=abc&start=41&week=2026-W01"));
    expect(s.filter.toString()).toBe("qualifying=true&ai=true");
    expect(s).toMatchObject({ size: 20, cursor: "abc", start: 41 });
  });

  it("starts at the first row with the default size when the address says nothing, or nonsense", () => {
    expect(listState(new URLSearchParams())).toMatchObject({ size: DEFAULT_PAGE_SIZE, cursor: null, start: 1 });
    const odd = listState(new URLSearchParams("qualifying=maybe&ai=1&size=7&start=-3"));
    expect(odd.filter.toString()).toBe("");
    expect(odd).toMatchObject({ size: DEFAULT_PAGE_SIZE, cursor: null, start: 1 });
    // A start without a cursor is no position: the first row.
    expect(listState(new URLSearchParams("start=201")).start).toBe(1);
    expect(listState(new URLSearchParams("cursor=abc&start=2.5")).start).toBe(1);
  });

  it("takes the next page's cursor from the API's next link", () => {
    expect(cursorOf("/api/v1/groups/org/acme/weeks/2026-W01/changes?cursor=eyJhZnRlciI6IngifQ&limit=100&ai=true")).toBe(
      "eyJhZnRlciI6IngifQ",
    );
    expect(cursorOf(null)).toBeNull();
  });
});
