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

/**
 * One case of the real-commit corpus (corpus/real/*.jsonl): a public repository's commit as
 * `yardstick attribute` takes it, labelled from the visible evidence by criteria independent of
 * the engine (corpus/real/README.md). The label has no confidence: the truth is the class.
 */
export interface RealCase {
  repo: string;
  sha: string;
  input: AttributeLine;
  label: { class: VerdictClass; tool: string | null; family: string };
  reason: string;
}

/** Validate a decoded real-corpus line; throws naming the file line when it is not a valid case. */
export function parseRealCase(raw: unknown, where: string): RealCase {
  const r = raw as Partial<RealCase> | null;
  if (r === null || typeof r !== "object") throw new Error(`${where}: expected a JSON object`);
  if (typeof r.repo !== "string" || typeof r.sha !== "string")
    throw new Error(`${where}: repo and sha are required strings`);
  const parsed = parseAttributeLine(r.input);
  if (!parsed.ok) throw new Error(`${where}: input.${parsed.error}`);
  const label = r.label;
  if (label === undefined || !["ai", "human", "bot"].includes(label.class)) {
    throw new Error(`${where}: label.class must be "ai", "human" or "bot"`);
  }
  if (label.class === "ai" && typeof label.tool !== "string") throw new Error(`${where}: an ai label names its tool`);
  return {
    repo: r.repo,
    sha: r.sha,
    input: parsed.value,
    label: { class: label.class, tool: label.tool ?? null, family: label.family ?? "" },
    reason: typeof r.reason === "string" ? r.reason : "",
  };
}

export interface RealGroupScore {
  cases: number;
  /** Labelled ai. */
  ai: number;
  /** Labelled ai and found ai (any confidence). */
  found: number;
  /** Found ai with the labelled tool. */
  rightTool: number;
  /** Labelled human or bot but found ai. */
  falseAlarms: number;
}

export interface RealEvaluation {
  total: number;
  repos: number;
  byClass: Record<VerdictClass, number>;
  /** AI-assisted = verdict class ai (any confidence) against label class ai. */
  detection: BinaryScore;
  /** AI-assisted = class ai at or above each threshold (the metrics' view), against label class ai. */
  perThreshold: Record<Confidence, BinaryScore>;
  /** Right principal tool over labelled-ai cases. */
  tool: { correct: number; total: number; rate: number };
  /** Human vs bot right, over non-ai labels the engine did not call ai. */
  nonAiClass: { correct: number; total: number; rate: number };
  byTool: Record<string, RealGroupScore>;
  byFamily: Record<string, RealGroupScore>;
  byRepo: Record<string, RealGroupScore>;
  failures: Array<{
    repo: string;
    sha: string;
    label: RealCase["label"];
    reason: string;
    got: Pick<AttributeOutput, "class" | "tool" | "confidence">;
    signals: string[];
  }>;
}

export function evaluateReal(cases: readonly RealCase[], ctx: AttributionContext): RealEvaluation {
  const outputs = cases.map((c) => attributeLine(c.input, ctx));
  const group = (): RealGroupScore => ({ cases: 0, ai: 0, found: 0, rightTool: 0, falseAlarms: 0 });
  const byTool: Record<string, RealGroupScore> = {};
  const byFamily: Record<string, RealGroupScore> = {};
  const byRepo: Record<string, RealGroupScore> = {};
  const failures: RealEvaluation["failures"] = [];
  let toolCorrect = 0;
  let aiTotal = 0;
  let nonAiCorrect = 0;
  let nonAiTotal = 0;
  cases.forEach((c, i) => {
    const o = outputs[i] as AttributeOutput;
    const isAi = c.label.class === "ai";
    const found = o.class === "ai";
    const rightTool = isAi && found && o.tool === c.label.tool;
    const keys: Array<[Record<string, RealGroupScore>, string]> = [
      [byTool, isAi ? (c.label.tool ?? "?") : c.label.class],
      [byFamily, `${c.label.class}:${c.label.family}`],
      [byRepo, c.repo],
    ];
    const groups = keys.map(([table, key]) => {
      const g = table[key] ?? group();
      table[key] = g;
      return g;
    });
    for (const g of groups) {
      g.cases++;
      if (isAi) g.ai++;
      if (isAi && found) g.found++;
      if (rightTool) g.rightTool++;
      if (!isAi && found) g.falseAlarms++;
    }
    if (isAi) {
      aiTotal++;
      if (rightTool) toolCorrect++;
    } else if (!found) {
      nonAiTotal++;
      if (o.class === c.label.class) nonAiCorrect++;
    }
    if (isAi ? !rightTool : o.class !== c.label.class) {
      failures.push({
        repo: c.repo,
        sha: c.sha,
        label: c.label,
        reason: c.reason,
        got: { class: o.class, tool: o.tool, confidence: o.confidence },
        signals: o.evidence.map((e) => `${e.signal}(${e.confidence})`),
      });
    }
  });
  const pairs = (predicted: (o: AttributeOutput) => boolean) =>
    cases.map((c, i) => [c.label.class === "ai", predicted(outputs[i] as AttributeOutput)] as [boolean, boolean]);
  const at = (t: Confidence) => score(pairs((o) => o.class === "ai" && meetsConfidence(o.confidence, t)));
  const count = (k: VerdictClass) => cases.filter((c) => c.label.class === k).length;
  return {
    total: cases.length,
    repos: new Set(cases.map((c) => c.repo)).size,
    byClass: { ai: count("ai"), human: count("human"), bot: count("bot") },
    detection: score(pairs((o) => o.class === "ai")),
    perThreshold: { high: at("high"), medium: at("medium"), low: at("low") },
    tool: { correct: toolCorrect, total: aiTotal, rate: aiTotal === 0 ? 1 : toolCorrect / aiTotal },
    nonAiClass: { correct: nonAiCorrect, total: nonAiTotal, rate: nonAiTotal === 0 ? 1 : nonAiCorrect / nonAiTotal },
    byTool,
    byFamily,
    byRepo,
    failures,
  };
}

/** Per-group figures as a Markdown table (recall and right tool over ai labels, false alarms over the rest). */
export function realGroupTable(title: string, groups: Record<string, RealGroupScore>): string {
  const pct = (n: number, d: number) => (d === 0 ? "-" : (n / d).toFixed(3));
  const rows = Object.entries(groups)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, g]) =>
        `| ${k} | ${g.cases} | ${g.ai} | ${pct(g.found, g.ai)} | ${pct(g.rightTool, g.ai)} | ${g.falseAlarms} |`,
    );
  return [
    `| ${title} | cases | labelled ai | recall | right tool | false alarms |`,
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** The cases of one corpus/real/*.jsonl file's text (`file` names it in errors). */
export function parseRealCorpus(text: string, file: string): RealCase[] {
  const out: RealCase[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() !== "") out.push(parseRealCase(JSON.parse(line), `${file}:${i + 1}`));
  });
  return out;
}
