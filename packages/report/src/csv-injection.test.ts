import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neutraliseFormula, type Row, toCsv } from "./rows.js";

const TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];

describe("CSV exports neutralise formulas (OWASP CSV injection)", () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ["+SUM(1,2)", "'+SUM(1,2)"],
    ["-2+3", "'-2+3"],
    ["@cmd|' /C calc'!A0", "'@cmd|' /C calc'!A0"],
    ["team:payments", "team:payments"],
  ])("%s", (name, shown) => {
    const [, row] = parse(toCsv([{ group: name, nd: -1.5 }])) as string[][];
    expect(row).toEqual([shown, "-1.5"]);
  });

  it("no text cell of any export starts a formula, and every cell reads back as written (generated)", () => {
    const text = fc.string({
      unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "a", "'", " ", "é"),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 5 }),
        (pairs) => {
          const rows: Row[] = pairs.map(([name, value]) => ({ name, value }));
          const [header, ...back] = parse(toCsv(rows), { relax_column_count: false }) as string[][];
          expect(header).toEqual(["name", "value"]);
          back.forEach((cells, i) => {
            const [name, value] = pairs[i] ?? ["", 0];
            expect(TRIGGERS.some((t) => cells[0]?.startsWith(t))).toBe(false);
            expect(cells[0]).toBe(neutraliseFormula(name));
            expect(Number(cells[1])).toBe(value === 0 ? 0 : value);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("bidirectional overrides in names shown by any output", () => {
  it("are neutralised by every escaper and the CSV (generated)", async () => {
    const { escapeHtml, escapeMarkdown } = await import("./escape.js");
    const { escapeSlack } = await import("./digest-render.js");
    const name = fc.string({
      unit: fc.constantFrom("\u202E", "\u202D", "\u2066", "\u2069", "a", "<", "="),
      maxLength: 10,
    });
    fc.assert(
      fc.property(name, (n) => {
        for (const out of [escapeHtml(n), escapeMarkdown(n), escapeSlack(n), toCsv([{ group: n }])])
          expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      }),
    );
  });
});
