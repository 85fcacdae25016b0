import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "../test-cli.js";

/** Runs the real command in a child process: `node --import tsx services/cli/src/main.ts attribute`. */

const run = (args: string[], stdin: string | null) =>
  runCliProcess(["attribute", ...args], stdin === null ? { stdin: "" } : { stdin });

const claude = {
  id: "9f2c1ab",
  message:
    "Add pagination to audit log API\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
  authorName: "Priya Raman",
  authorEmail: "priya@acme.io",
  somethingElse: { ignored: true },
};
const codexPr = {
  id: "77aa001",
  message: "Add rate limiter (#77)",
  authorName: "Sam Lee",
  authorEmail: "sam@acme.io",
  committerName: "GitHub",
  committerEmail: "noreply@github.com",
  pr: {
    authorLogin: "samlee",
    authorType: "User",
    headRef: "codex/add-rate-limiter",
    labels: ["enhancement"],
    title: "Add rate limiter",
    body: "## Summary\n- limiter\n\nhttps://chatgpt.com/codex/tasks/task_e_68a1b2c3d4e5f607",
  },
};
const dependabot = {
  id: "d3p0001",
  message: "Bump openai from 1.40.0 to 1.41.0",
  authorName: "dependabot[bot]",
  authorEmail: "49699333+dependabot[bot]@users.noreply.github.com",
  authorLogin: "dependabot[bot]",
};
const humanCommit = {
  id: "h0000001",
  message: "Fix cursor pointer styling",
  authorName: "Claude Dupont",
  authorEmail: "claude@dupont.fr",
};

describe("yardstick attribute (child process)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "yardstick-attribute-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes one verdict per input line, in order, and exits 0", async () => {
    const input = [claude, codexPr, dependabot, humanCommit].map((l) => JSON.stringify(l)).join("\n");
    const { code, stdout } = await run([], `${input}\n`);
    expect(code).toBe(0);
    const out = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(Object.keys(out[0])).toEqual(["id", "class", "tool", "tools", "confidence", "evidence"]);
    expect(out[0]).toMatchObject({
      id: "9f2c1ab",
      class: "ai",
      tool: "claude-code",
      tools: ["claude-code"],
      confidence: "high",
    });
    expect(out[0].evidence[0]).toMatchObject({
      signal: "claude-code.co-author",
      location: { kind: "commit", sha: "9f2c1ab", field: "co-author" },
      matched: "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
    });
    expect(out[1]).toMatchObject({ id: "77aa001", class: "ai", tool: "codex", confidence: "high" });
    expect(out[1].evidence.map((e: { signal: string }) => e.signal).sort()).toEqual([
      "codex.cloud.branch",
      "codex.cloud.task-link.pr-body",
    ]);
    expect(out[2]).toEqual({ id: "d3p0001", class: "bot", tool: null, tools: [], confidence: null, evidence: [] });
    expect(out[3]).toEqual({ id: "h0000001", class: "human", tool: null, tools: [], confidence: null, evidence: [] });
  });

  it("reports malformed lines with line number and field, keeps going, and exits 1", async () => {
    const lines = [
      JSON.stringify(claude),
      JSON.stringify({ ...humanCommit, authorEmail: 42 }),
      "{not json",
      "",
      JSON.stringify({ ...codexPr, pr: { ...codexPr.pr, authorLogin: undefined } }),
      JSON.stringify({ ...codexPr, pr: { ...codexPr.pr, labels: ["ok", 3] } }),
      "[1,2]",
      JSON.stringify(humanCommit),
    ];
    const { code, stdout, stderr } = await run([], lines.join("\r\n"));
    expect(code).toBe(1);
    const out = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(7);
    expect(out[0].class).toBe("ai");
    expect(out[1]).toMatchObject({ line: 2, id: "h0000001", field: "authorEmail" });
    expect(out[1].error).toMatch(/authorEmail: required string, got a number \(for example "jane@acme.com"\)/);
    expect(out[2]).toMatchObject({ line: 3, field: null });
    expect(out[2].error).toMatch(/not valid JSON/);
    expect(out[3]).toMatchObject({ line: 5, id: "77aa001", field: "pr.authorLogin" });
    expect(out[4]).toMatchObject({ line: 6, field: "pr.labels[1]" });
    expect(out[5]).toMatchObject({ line: 7, field: null });
    expect(out[6]).toMatchObject({ id: "h0000001", class: "human" });
    expect(stderr).toMatch(/5 of 7 lines were malformed/);
  });

  it("applies the configuration's own attribution rules, as a sync does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yardstick-attribute-config-"));
    const config = join(dir, "yardstick.config.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "attribution:",
        "  rules:",
        "    - id: acme.agent.trailer",
        "      tool: other-ai",
        "      field: commit.message",
        "      pattern: '^Acme-Agent-Session: '",
      ].join("\n"),
    );
    const commit = {
      id: "a1",
      message: "Fix it\n\nAcme-Agent-Session: 42",
      authorName: "Ann",
      authorEmail: "ann@acme.io",
    };
    const plain = await run([], `${JSON.stringify(commit)}\n`);
    const configured = await run(["--config", config], `${JSON.stringify(commit)}\n`);
    await rm(dir, { recursive: true, force: true });
    expect(JSON.parse(plain.stdout).class).toBe("human");
    expect(JSON.parse(configured.stdout)).toMatchObject({ class: "ai", tool: "other-ai" });
    expect(configured.stdout).toContain("acme.agent.trailer");
  });

  it("reads --input FILE, streams a large input, and exits 2 for a missing file", async () => {
    const file = join(dir, "commits.jsonl");
    const n = 20_000;
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(JSON.stringify({ ...(i % 2 === 0 ? claude : humanCommit), id: `c${i}` }));
    await writeFile(file, `${body.join("\n")}\n`);
    const { code, stdout } = await run(["--input", file], null);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split("\n");
    expect(out).toHaveLength(n);
    expect(JSON.parse(out[n - 1] ?? "{}")).toMatchObject({ id: `c${n - 1}`, class: "human" });
    expect(JSON.parse(out[n - 2] ?? "{}")).toMatchObject({ id: `c${n - 2}`, class: "ai" });

    const missing = await run(["--input", join(dir, "nope.jsonl")], null);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--input: no such file/);
  });
});
