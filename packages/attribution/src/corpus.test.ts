import { readFileSync } from "node:fs";
import { AiTool } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { compileRules, isLineLocal } from "./compile.js";
import { type CorpusCase, evaluateCorpus, parseCorpusCase } from "./evaluate.js";
import { attributeLine } from "./line.js";

const cases: CorpusCase[] = readFileSync(new URL("../testdata/corpus.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line, i) => parseCorpusCase(JSON.parse(line), i + 1));

describe("labelled corpus (testdata/corpus.jsonl)", () => {
  const e = evaluateCorpus(cases, { rules: compileRules() }, "high");

  it("is big and varied enough", () => {
    expect(e.total).toBeGreaterThanOrEqual(400);
    expect(e.byClass.human + e.byClass.bot).toBeGreaterThanOrEqual(100);
    const tools = new Set(cases.filter((c) => c.expected.class === "ai").map((c) => c.expected.tool));
    for (const tool of AiTool.options) {
      expect(tools, tool).toContain(tool);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it("scores precision >= 0.99 and recall >= 0.97 for ai at the default threshold (high)", () => {
    expect(e.atThreshold.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.atThreshold.recall).toBeGreaterThanOrEqual(0.97);
  });

  it("names the right tool for >= 0.97 of true AI cases", () => {
    expect(e.tool.rate).toBeGreaterThanOrEqual(0.97);
  });

  it("never calls a human or bot case AI at medium or above", () => {
    expect(e.perThreshold.medium.fp).toBe(0);
  });
});

describe("message prefilter", () => {
  const rules = compileRules();

  it("prefilters every built-in message rule (all are single-line)", () => {
    expect(rules.messageUnfiltered.map((r) => r.id)).toEqual([]);
    expect(isLineLocal("^Foo:[ \\t]*[^\\n]*\\S")).toBe(true);
    expect(isLineLocal("^Foo:\\s+bar")).toBe(false);
    expect(isLineLocal("a[^x]b")).toBe(false);
  });

  it("gives exactly the evidence of a full scan on every corpus case", () => {
    const full = {
      ...rules,
      messagePrefilter: null,
      messageFiltered: [],
      messageUnfiltered: rules.text["commit.message"],
    };
    for (const c of cases) {
      expect(attributeLine(c, { rules }), c.id).toEqual(attributeLine(c, { rules: full }));
    }
  });
});
