import { type Confidence, meetsConfidence, type VerdictClass } from "@yardstick/core";
import type { AttributionContext } from "./engine.js";
import { type AttributeLine, type AttributeOutput, attributeLine, parseAttributeLine } from "./line.js";

/** One labelled case: the command's input line plus the truth. */
export interface CorpusCase extends AttributeLine {
  expected: { class: VerdictClass; tool: string | null; confidence: Confidence | null };
}

export interface BinaryScore {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
}

export interface Evaluation {
  threshold: Confidence;
  total: number;
  byClass: Record<VerdictClass, number>;
  /**
   * "AI-assisted at the threshold": predicted = class ai with confidence at or above the
   * threshold; truth = labelled ai with a labelled confidence at or above the threshold.
   */
  atThreshold: BinaryScore;
  /** Truth = every labelled ai case, whatever its evidence supports (an honesty figure). */
  anyAiAtThreshold: BinaryScore;
  /** Per threshold, truth = labelled ai at or above it. */
  perThreshold: Record<Confidence, BinaryScore>;
  /** Right principal tool, over labelled ai cases. */
  tool: { correct: number; total: number; rate: number };
  /** Labelled confidence reproduced exactly, over labelled ai cases. */
  confidence: { correct: number; total: number; rate: number };
  /** Non-AI cases that got any AI evidence (at any confidence). */
  lowFalseAlarms: number;
  /** Rows: expected (tool, or class for non-AI); columns: predicted (tool, or class). */
  confusion: Record<string, Record<string, number>>;
  failures: Array<{
    id: string;
    expected: CorpusCase["expected"];
    got: Pick<AttributeOutput, "class" | "tool" | "confidence">;
    signals: string[];
  }>;
}

function score(pairs: ReadonlyArray<[boolean, boolean]>): BinaryScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const [truth, predicted] of pairs) {
    if (truth && predicted) tp++;
    else if (!truth && predicted) fp++;
    else if (truth && !predicted) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

/** Validate a decoded corpus line; throws naming the case when it is not a valid case. */
export function parseCorpusCase(raw: unknown, lineNumber: number): CorpusCase {
  const parsed = parseAttributeLine(raw);
  if (!parsed.ok) throw new Error(`corpus line ${lineNumber}: ${parsed.error}`);
  const expected = (raw as { expected?: CorpusCase["expected"] }).expected;
  if (expected === undefined || !["ai", "human", "bot"].includes(expected.class)) {
    throw new Error(`corpus line ${lineNumber}: expected.class must be "ai", "human" or "bot"`);
  }
  return { ...parsed.value, expected };
}

export function evaluateCorpus(
  cases: readonly CorpusCase[],
  ctx: AttributionContext,
  threshold: Confidence = "high",
): Evaluation {
  const outputs = cases.map((c) => attributeLine(c, ctx));
  const labelledAt = (c: CorpusCase, t: Confidence) =>
    c.expected.class === "ai" && meetsConfidence(c.expected.confidence, t);
  const predictedAt = (o: AttributeOutput, t: Confidence) => o.class === "ai" && meetsConfidence(o.confidence, t);
  const pairs = (t: Confidence, truth: (c: CorpusCase) => boolean) =>
    cases.map((c, i) => [truth(c), predictedAt(outputs[i] as AttributeOutput, t)] as [boolean, boolean]);

  const confusion: Record<string, Record<string, number>> = {};
  const failures: Evaluation["failures"] = [];
  let toolCorrect = 0;
  let confCorrect = 0;
  let aiTotal = 0;
  let lowFalseAlarms = 0;
  cases.forEach((c, i) => {
    const o = outputs[i] as AttributeOutput;
    const row = c.expected.class === "ai" ? (c.expected.tool ?? "?") : c.expected.class;
    const col = o.class === "ai" ? (o.tool ?? "?") : o.class;
    confusion[row] ??= {};
    const r = confusion[row];
    r[col] = (r[col] ?? 0) + 1;
    let ok = o.class === c.expected.class;
    if (c.expected.class === "ai") {
      aiTotal++;
      if (o.tool === c.expected.tool) toolCorrect++;
      else ok = false;
      if (o.confidence === c.expected.confidence) confCorrect++;
      else ok = false;
    } else if (o.evidence.length > 0) {
      lowFalseAlarms++;
    }
    if (!ok) {
      failures.push({
        id: c.id,
        expected: c.expected,
        got: { class: o.class, tool: o.tool, confidence: o.confidence },
        signals: o.evidence.map((e) => `${e.signal}(${e.confidence})`),
      });
    }
  });
  const count = (k: VerdictClass) => cases.filter((c) => c.expected.class === k).length;
  return {
    threshold,
    total: cases.length,
    byClass: { ai: count("ai"), human: count("human"), bot: count("bot") },
    atThreshold: score(pairs(threshold, (c) => labelledAt(c, threshold))),
    anyAiAtThreshold: score(pairs(threshold, (c) => c.expected.class === "ai")),
    perThreshold: {
      high: score(pairs("high", (c) => labelledAt(c, "high"))),
      medium: score(pairs("medium", (c) => labelledAt(c, "medium"))),
      low: score(pairs("low", (c) => labelledAt(c, "low"))),
    },
    tool: { correct: toolCorrect, total: aiTotal, rate: aiTotal === 0 ? 1 : toolCorrect / aiTotal },
    confidence: { correct: confCorrect, total: aiTotal, rate: aiTotal === 0 ? 1 : confCorrect / aiTotal },
    lowFalseAlarms,
    confusion,
    failures,
  };
}

/** The confusion matrix as a Markdown table (rows expected, columns predicted). */
export function confusionTable(confusion: Evaluation["confusion"]): string {
  const rows = Object.keys(confusion).sort();
  const cols = [...new Set(rows.flatMap((r) => Object.keys(confusion[r] ?? {})))].sort();
  const header = `| expected \\ predicted | ${cols.join(" | ")} |`;
  const rule = `|---|${cols.map(() => "---:").join("|")}|`;
  const body = rows.map((r) => `| ${r} | ${cols.map((c) => String(confusion[r]?.[c] ?? "")).join(" | ")} |`);
  return [header, rule, ...body].join("\n");
}
