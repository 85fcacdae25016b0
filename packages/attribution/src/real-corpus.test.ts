import { readdirSync, readFileSync } from "node:fs";
import { AiTool } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { compileRules } from "./compile.js";
import { evaluateReal, parseRealCorpus, type RealCase, realGroupTable } from "./evaluate.js";
import { attributeLine } from "./line.js";

/**
 * The real-commit corpus (corpus/real/*.jsonl): commits of public repositories, labelled from
 * the visible evidence by criteria that share no code with the engine (corpus/real/README.md).
 * The catalogue corpus (testdata/corpus.jsonl, corpus.test.ts) stays the regression suite.
 */
const dir = new URL("../corpus/real/", import.meta.url);
const cases: RealCase[] = readdirSync(dir)
  .filter((f) => f.endsWith(".jsonl"))
  .sort()
  .flatMap((f) => parseRealCorpus(readFileSync(new URL(f, dir), "utf8"), f));
const rules = compileRules();
const e = evaluateReal(cases, { rules });

describe("real-commit corpus (corpus/real)", () => {
  it("prints the figures per tool and per signal family", () => {
    const fmt = (s: typeof e.detection) =>
      `precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
    console.log(
      [
        `real commits: ${e.total} from ${e.repos} repositories (ai ${e.byClass.ai}, human ${e.byClass.human}, bot ${e.byClass.bot})`,
        `AI-assisted (any confidence): ${fmt(e.detection)}; at threshold high: ${fmt(e.perThreshold.high)}`,
        `right tool ${e.tool.correct}/${e.tool.total} = ${e.tool.rate.toFixed(3)}`,
        realGroupTable("tool (or class)", e.byTool),
        realGroupTable("class:signal family", e.byFamily),
        ...e.failures.map(
          (f) => `differs: ${f.repo} ${f.sha.slice(0, 10)} ${JSON.stringify(f.label)} -> ${JSON.stringify(f.got)}`,
        ),
      ].join("\n"),
    );
    expect(e.total).toBeGreaterThan(0);
  });

  it("is big and varied enough: >= 1,500 commits, >= 40 repositories, >= 400 hard negatives", () => {
    expect(e.total).toBeGreaterThanOrEqual(1500);
    expect(e.repos).toBeGreaterThanOrEqual(40);
    const hardNegatives =
      cases.filter((c) => c.label.class === "bot" || c.label.family !== "plain").length - e.byClass.ai;
    expect(hardNegatives).toBeGreaterThanOrEqual(400);
    expect(new Set(cases.map((c) => `${c.repo}@${c.sha}`)).size).toBe(cases.length);
    for (const c of cases) {
      if (c.label.class === "ai") expect(AiTool.options, `${c.repo} ${c.sha}`).toContain(c.label.tool);
      expect(c.reason, `${c.repo} ${c.sha} has a reason`).not.toBe("");
    }
  });

  it("scores precision >= 0.99, recall >= 0.97 (AI-assisted, any confidence) and tool accuracy >= 0.97", () => {
    expect(e.detection.precision).toBeGreaterThanOrEqual(0.99);
    expect(e.detection.recall).toBeGreaterThanOrEqual(0.97);
    expect(e.tool.rate).toBeGreaterThanOrEqual(0.97);
  });

  it("keeps precision >= 0.99 at the metrics' default threshold (high)", () => {
    expect(e.perThreshold.high.precision).toBeGreaterThanOrEqual(0.99);
  });

  it("has real cases for every signal family the engine must read", () => {
    for (const family of [
      "ai:agent-author",
      "ai:agent-committer",
      "ai:co-author",
      "ai:name-suffix",
      "ai:message-marker",
      "ai:review-suggestion",
      "ai:merge-branch",
      "bot:release-bot",
      "bot:dependency-bot",
      "bot:bot-branch-merge",
      "bot:ci-bot",
      "human:tool-mention",
      "human:aider-committer-only",
    ]) {
      expect(e.byFamily[family]?.cases ?? 0, family).toBeGreaterThanOrEqual(3);
    }
  });
});

/** Each signal family found in real histories, on a real commit of the corpus (repo, sha prefix). */
const realSignals: Array<{ family: string; repo: string; sha: string; signal: string; class?: string }> = [
  {
    family: "agent identity as author",
    repo: "All-Hands-AI/OpenHands",
    sha: "09735c7869",
    signal: "openhands.identity-legacy.author",
  },
  { family: "agent identity as author", repo: "ghostty-org/ghostty", sha: "b5e86a4284", signal: "amp.identity.author" },
  {
    family: "agent identity as committer",
    repo: "continuedev/continue",
    sha: "536bc769ea",
    signal: "other-ai.continue.committer",
  },
  { family: "aider name suffix", repo: "Aider-AI/aider", sha: "", signal: "aider.author-suffix" },
  { family: "agent app account", repo: "sweepai/sweep", sha: "1228bbe400", signal: "sweep.nightly-name.author" },
  {
    family: "agent app account",
    repo: "langchain-ai/langchainjs",
    sha: "67ba9f8217",
    signal: "other-ai.open-swe.author",
  },
  {
    family: "review bot co-author",
    repo: "browserbase/stagehand",
    sha: "9692d7ff05",
    signal: "other-ai.review.greptile-apps.co-author",
  },
  { family: "amp thread link in prose", repo: "ghostty-org/ghostty", sha: "", signal: "amp.thread.message" },
  { family: "merge of an agent branch", repo: "sweepai/sweep", sha: "", signal: "sweep.branch" },
  { family: "merge of an agent branch", repo: "drawmeanelephant/boris", sha: "", signal: "codex.cloud.branch" },
];

describe("signal families on real commits", () => {
  it.each(realSignals.map((s) => [`${s.family}: ${s.signal}`, s] as const))("%s", (_name, s) => {
    const candidates = cases.filter((c) => c.repo === s.repo && c.sha.startsWith(s.sha) && c.label.class === "ai");
    const hit = candidates.find((c) => attributeLine(c.input, { rules }).evidence.some((ev) => ev.signal === s.signal));
    expect(hit, `${s.repo} ${s.sha}: no corpus case fires ${s.signal}`).toBeDefined();
  });

  it("release robots without [bot] are bots, not people (gemini-cli-robot, R00-B0T, dotnet bot, Stainless Bot)", () => {
    const robots = cases.filter((c) =>
      /^(?:gemini-cli-robot|R00-B0T|dotnet bot|Stainless Bot|Google Team Member)$/.test(c.input.authorName),
    );
    expect(robots.length).toBeGreaterThanOrEqual(10);
    for (const c of robots) expect(attributeLine(c.input, { rules }).class, `${c.repo} ${c.sha}`).toBe("bot");
  });

  it("merges of dependency bots' branches are bot work", () => {
    const merges = cases.filter((c) => c.label.family === "bot-branch-merge");
    expect(merges.length).toBeGreaterThanOrEqual(10);
    for (const c of merges) expect(attributeLine(c.input, { rules }).class, `${c.repo} ${c.sha}`).toBe("bot");
  });

  it("an (aider) committer with a plain author stays human", () => {
    const own = cases.filter((c) => c.label.family === "aider-committer-only");
    expect(own.length).toBeGreaterThanOrEqual(10);
    for (const c of own) expect(attributeLine(c.input, { rules }).class, `${c.repo} ${c.sha}`).toBe("human");
  });

  it("with reviewSuggestions: ignore, a change whose only AI evidence is a review bot is not AI", () => {
    const ignoring = compileRules({ reviewSuggestions: "ignore" });
    const onlyReview = cases.filter(
      (c) =>
        c.label.family === "review-suggestion" &&
        attributeLine(c.input, { rules }).evidence.every((ev) => /review|code-assist|bugbot|autofix/.test(ev.signal)),
    );
    expect(onlyReview.length).toBeGreaterThanOrEqual(50);
    for (const c of onlyReview) {
      const out = attributeLine(c.input, { rules: ignoring });
      expect(
        out.evidence.filter((ev) => /review|code-assist|bugbot/.test(ev.signal)),
        `${c.repo} ${c.sha}`,
      ).toEqual([]);
    }
    expect(ignoring.version).toMatch(/\+cfg\./);
  });
});
