import { type Person, Verdict } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_VERSION } from "./builtin-rules.js";
import { compileRules } from "./compile.js";
import { creditChange, creditCommit } from "./credit.js";
import { attributeChange, attributeCommit, type CommitLike, type PullRequestLike } from "./engine.js";
import { createIdentityResolver } from "./identity.js";

const ctx = { rules: compileRules() };
const human = { name: "Priya Raman", email: "priya@acme.io", login: "priya-r" };
const copilot = { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot", type: "Bot" };
const github = { name: "GitHub", email: "noreply@github.com" };

function commit(sha: string, message: string, author: CommitLike["author"] = human, committer = github): CommitLike {
  return { sha, message, author, committer };
}

describe("attributeChange", () => {
  it("finds trailers pushed into a squash's bullet list (after ---------)", () => {
    const squash = commit(
      "aaaa111",
      "Add CSV export (#311)\n\n* Add CSV export\n\n  Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n\n* Fix lint\n\n---------\n\nCo-authored-by: Sam Lee <sam@acme.io>",
    );
    const pr: PullRequestLike = {
      author: { login: "priya-r" },
      title: "Add CSV export",
      body: "",
      headRef: "csv",
      labels: [],
    };
    const verdict = attributeChange(pr, [], squash, ctx);
    expect(verdict).toMatchObject({ class: "ai", tool: "claude-code", confidence: "high", subtype: "assisted" });
    expect(verdict.evidence[0]).toMatchObject({
      signal: "claude-code.co-author",
      location: { kind: "commit", sha: "aaaa111", field: "co-author" },
      matched: "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
    });
    expect(verdict.ruleVersion).toBe(BUILTIN_RULES_VERSION);
  });

  it("is the union over pre-squash commits, merged commit, PR author, body, branch and labels", () => {
    const pr: PullRequestLike = {
      author: { login: "Copilot", type: "Bot" },
      title: "Add retries",
      body: "Adds retries.\n\n<!-- START COPILOT CODING AGENT SUFFIX -->",
      headRef: "copilot/add-retries",
      labels: ["enhancement"],
    };
    const pre = [
      commit("b1", "Initial plan", copilot),
      commit(
        "b2",
        "Add retries\n\nCo-authored-by: priya-r <5123+priya-r@users.noreply.github.com>\n\nAgent-Logs-Url: https://github.com/acme/shop/sessions/0f9c2b1e-6a4d-4e3b-9a51-2b7f0c3d8e11",
        copilot,
      ),
      commit("b3", "Review fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>"),
    ];
    const verdict = attributeChange(pr, pre, commit("b9", "Add retries (#12)", copilot), ctx);
    expect(Verdict.parse(verdict)).toEqual(verdict);
    expect(verdict.class).toBe("ai");
    expect(verdict.tool).toBe("copilot");
    expect(verdict.tools).toEqual(["copilot", "cursor"]);
    expect(verdict.subtype).toBe("agent");
    const fields = new Set(verdict.evidence.map((e) => `${e.location.kind}:${e.location.field}`));
    expect(fields).toEqual(
      new Set(["pr:author", "pr:body", "pr:head-ref", "commit:author", "commit:message", "commit:co-author"]),
    );
  });

  it("two independent low signals make a medium; one stays low", () => {
    const pr: PullRequestLike = { author: { login: "priya-r" }, headRef: "claude/fix-login-a1B2c3", labels: [] };
    const one = attributeChange(pr, [commit("c1", "Fix login")], null, ctx);
    expect(one.confidence).toBe("low");
    const two = attributeChange(
      pr,
      [commit("c1", "Fix login\n\nCo-authored-by: Claude <claude@priya.dev>")],
      null,
      ctx,
    );
    expect(two.confidence).toBe("medium");
    expect(two.class).toBe("ai");
  });

  it("a PR by dependency automation is bot, whatever it mentions", () => {
    const pr: PullRequestLike = {
      author: { login: "dependabot[bot]", type: "Bot" },
      title: "Bump openai from 1.40.0 to 1.41.0",
      body: "Co-authored-by: Codex <noreply@openai.com>\n🤖 Generated with [Claude Code](https://claude.ai/code)",
      headRef: "dependabot/pip/openai-1.41.0",
      labels: ["dependencies"],
    };
    const verdict = attributeChange(pr, [], null, ctx);
    expect(verdict).toMatchObject({ class: "bot", tool: null, confidence: null, evidence: [] });
  });

  it("a human change with no signal is human", () => {
    const verdict = attributeCommit(commit("d1", "Fix cursor pointer on buttons"), ctx);
    expect(verdict).toMatchObject({ class: "human", tool: null, tools: [], confidence: null, subtype: null });
  });
});

describe("configured rules", () => {
  it("adds an organisation's own agent purely from config, and changes the version", () => {
    const rules = compileRules({
      rules: [
        {
          id: "acme.robo.trailer",
          kind: "ai",
          tool: "other-ai",
          confidence: "high",
          subtype: "agent",
          field: "commit.message",
          pattern: "^Acme-Robo-Run: ",
          description: "",
          dualUse: false,
          reviewSuggestion: false,
        },
        {
          id: "acme.robo.account",
          kind: "ai",
          tool: "other-ai",
          confidence: "high",
          subtype: "agent",
          field: "pr.author",
          identity: { login: "acme-robo" },
          description: "",
          dualUse: false,
          reviewSuggestion: false,
        },
      ],
    });
    expect(rules.version).toMatch(new RegExp(`^${BUILTIN_RULES_VERSION.replaceAll(".", "\\.")}\\+cfg\\.[0-9a-f]{8}$`));
    const v = attributeCommit(commit("e1", "Fix\n\n* Acme-Robo-Run: 4411"), { rules });
    expect(v).toMatchObject({ class: "ai", tool: "other-ai", confidence: "high" });
    const c = attributeChange({ author: { login: "ACME-Robo" } }, [], null, { rules });
    expect(c.evidence[0]?.signal).toBe("acme.robo.account");
  });

  it("disables built-in rules by id or id prefix", () => {
    const rules = compileRules({ disableRules: ["claude-code.co-author", "devin.account"] });
    expect(rules.rules.some((r) => r.id.startsWith("devin.account"))).toBe(false);
    const v = attributeCommit(commit("f1", "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), { rules });
    expect(v.class).toBe("human");
  });

  it("treats configured automation accounts as bots", () => {
    const rules = compileRules({ automationAccounts: ["acme-release"] });
    const v = attributeCommit(
      commit("g1", "chore(release): 2.0.0", { name: "acme-release", email: "release@acme.io" }),
      { rules },
    );
    expect(v.class).toBe("bot");
  });

  it("rejects an invalid rule with the path and an example", () => {
    expect(() =>
      compileRules({
        rules: [
          {
            id: "bad",
            kind: "ai",
            tool: "other-ai",
            confidence: "high",
            subtype: null,
            field: "pr.label",
            identity: { login: "x" },
            description: "",
            dualUse: false,
            reviewSuggestion: false,
          },
        ],
      }),
    ).toThrow(/attribution\.rules\[0\]\.identity/);
  });
});

describe("credit", () => {
  const agentPr = {
    author: { login: "Copilot", type: "Bot" },
    title: "Add retries",
    body: "<!-- START COPILOT CODING AGENT SUFFIX -->",
    headRef: "copilot/add-retries",
    assignees: ["sam-lee"],
    reviewRequests: ["ops-lead"],
    mergedBy: { login: "ana-ruiz" },
  };

  it("credits the human author of a human PR", () => {
    const credit = creditChange({ author: { login: "priya-r" } }, [commit("h1", "x")], null, ctx);
    expect(credit).toMatchObject({ method: "pr-author", identity: { login: "priya-r" } });
  });

  it("credits the human co-author of an agent's commits", () => {
    const commits = [
      commit("h2", "Add retries\n\nCo-authored-by: priya-r <5123+priya-r@users.noreply.github.com>", copilot),
    ];
    const credit = creditChange(agentPr, commits, null, ctx);
    expect(credit).toMatchObject({
      method: "agent-co-author",
      identity: { login: "priya-r", email: "5123+priya-r@users.noreply.github.com" },
    });
  });

  it("falls back to assignee, then review requester, then merger", () => {
    const commits = [commit("h3", "Initial plan", copilot)];
    expect(creditChange(agentPr, commits, null, ctx).method).toBe("assignee");
    expect(creditChange({ ...agentPr, assignees: ["Copilot"] }, commits, null, ctx)).toMatchObject({
      method: "review-requester",
      identity: { login: "ops-lead" },
    });
    expect(creditChange({ ...agentPr, assignees: [], reviewRequests: [] }, commits, null, ctx)).toMatchObject({
      method: "merger",
      identity: { login: "ana-ruiz" },
    });
  });

  it("credits nobody for dependency bots", () => {
    const credit = creditChange({ author: { login: "renovate[bot]", type: "Bot" } }, [], null, ctx);
    expect(credit).toMatchObject({ method: "none", identity: null });
  });

  it("credits the person behind an aider-authored commit, and the co-author of an agent commit", () => {
    expect(
      creditCommit(commit("h4", "feat", { name: "Priya Raman (aider)", email: "priya@acme.io" }), ctx),
    ).toMatchObject({
      method: "commit-author",
      identity: { name: "Priya Raman", email: "priya@acme.io" },
    });
    expect(
      creditCommit(
        commit("h5", "Fix\n\nCo-authored-by: Priya Raman <priya@acme.io>", {
          name: "Cursor Agent",
          email: "cursoragent@cursor.com",
        }),
        ctx,
      ),
    ).toMatchObject({ method: "agent-co-author", identity: { email: "priya@acme.io" } });
  });
});

describe("identity resolution", () => {
  const roster: Person[] = [
    {
      id: "p1",
      displayName: "Priya Raman",
      logins: ["priya-r"],
      userIds: [5123],
      emails: ["priya@acme.io"],
      names: [],
      teams: ["web"],
    },
    {
      id: "p2",
      displayName: "Sam Lee",
      logins: ["samlee"],
      userIds: [],
      emails: ["sam@acme.io"],
      names: ["Samuel Lee"],
      teams: [],
    },
    { id: "p3", displayName: "Sam Lee", logins: ["slee2"], userIds: [], emails: [], names: [], teams: [] },
  ];

  it("maps logins, ids, noreply emails, emails and names to one person; reports the rest", () => {
    const r = createIdentityResolver(roster);
    expect(r.resolve({ login: "Priya-R" })).toBe("p1");
    expect(r.resolve({ userId: 5123 })).toBe("p1");
    expect(r.resolve({ email: "5123+renamed@users.noreply.github.com" })).toBe("p1");
    expect(r.resolve({ email: "priya-r@users.noreply.github.com" })).toBe("p1");
    expect(r.resolve({ email: "PRIYA@acme.io" })).toBe("p1");
    expect(r.resolve({ name: "samuel  lee" })).toBe("p2");
    expect(r.resolve({ name: "Sam Lee" })).toBeNull(); // two people: ambiguous
    expect(r.resolve({ email: "contractor@elsewhere.dev" })).toBeNull();
    expect(r.resolve({ email: "contractor@elsewhere.dev" })).toBeNull();
    expect(r.resolve({ login: "dependabot[bot]" })).toBeNull();
    expect(r.resolve({ email: "198982749+Copilot@users.noreply.github.com", name: "Copilot" })).toBeNull();
    expect(r.resolve({ email: "noreply@anthropic.com", name: "Claude" })).toBeNull();
    expect(r.resolve({ login: "someone", type: "Bot" })).toBeNull();
    const report = r.report();
    expect(report.bots).toBe(4);
    expect(report.total).toBe(8);
    expect(report.resolved).toBe(6);
    expect(report.coverage).toBeCloseTo(6 / 8);
    expect(report.unresolved).toEqual([
      { kind: "email", value: "contractor@elsewhere.dev", count: 2, reason: "unknown" },
      { kind: "name", value: "Sam Lee", count: 1, reason: "ambiguous" },
    ]);
  });
});

describe("signals found in real histories (corpus/real)", () => {
  it("an agent identity as the commit author is AI, and the person who committed it is credited", () => {
    const c = commit(
      "d0c5a11",
      "docs(input): document copy_to_clipboard arguments",
      {
        name: "Claude Opus 4.7",
        email: "noreply@anthropic.com",
      },
      { name: "Lukas", email: "lukas@example.org" },
    );
    const v = attributeCommit(c, ctx);
    expect([v.class, v.tool, v.confidence, v.subtype]).toEqual(["ai", "claude-code", "high", "agent"]);
    expect(creditCommit(c, ctx)).toMatchObject({ method: "agent-committer", identity: { name: "Lukas" } });
    // Committed through GitHub's web flow: nobody named, so no committer credit.
    expect(creditCommit({ ...c, committer: github }, ctx).method).toBe("none");
  });

  it("an agent author with a human co-author credits the co-author (Amp, ghostty)", () => {
    const c = commit("a11a11a", "Release pins on eviction\n\nCo-authored-by: Tim Culverhouse <tfc@ampcode.com>", {
      name: "Amp",
      email: "amp@ampcode.com",
    });
    expect(attributeCommit(c, ctx).tool).toBe("amp");
    expect(creditCommit(c, ctx)).toMatchObject({ method: "agent-co-author", identity: { email: "tfc@ampcode.com" } });
  });

  it("release and export robots without [bot] are automation, and their AI markers still count", () => {
    for (const author of [
      { name: "gemini-cli-robot", email: "gemini-cli-robot@google.com" },
      { name: "dotnet bot", email: "dotnet-bot@dotnetfoundation.org" },
      { name: "R00-B0T", email: "110429663+R00-B0T@users.noreply.github.com" },
      { name: "Google Team Member", email: "genai-sdk-bot@google.com" },
      { name: "Copybara-Service", email: "copybara-worker@google.com" },
      { name: "GitHub Action", email: "action@github.com" },
    ]) {
      expect(attributeCommit(commit("b0b0b0b", "chore(release): v0.57.0", author), ctx).class, author.name).toBe("bot");
    }
    for (const author of [
      { name: "Christian Talbot", email: "talbot@acme.io" },
      { name: "Christian Balcom", email: "robot.inventor@gmail.com" },
    ]) {
      expect(attributeCommit(commit("b0b0b0c", "Fix parser", author), ctx).class, author.name).toBe("human");
    }
    const marked = commit("b0b0b0d", "Fix flaky test\n\nGenerated with [Continue](https://continue.dev)", {
      name: "GitHub Action",
      email: "action@github.com",
    });
    expect(attributeCommit(marked, ctx).class).toBe("ai");
  });

  it("a merge commit of a dependency bot's branch is bot work; of an agent's branch, AI at medium", () => {
    const dep = commit("dddd001", "Merge pull request #12 from acme/dependabot/npm_and_yarn/axios-1.8.2\n\nBump axios");
    expect(attributeCommit(dep, ctx).class).toBe("bot");
    const agent = commit("dddd002", "Merge pull request #156 from acme/codex/fix-migration-lab\n\nFix migration lab");
    expect(attributeCommit(agent, ctx)).toMatchObject({ class: "ai", tool: "codex", confidence: "medium" });
  });

  it("the principal tool is one that wrote code, not a review bot whose suggestion was committed", () => {
    const c = commit(
      "eeee001",
      "Add retries (#88)\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\nCo-authored-by: Claude Opus 4.6 (1M context) <noreply@anthropic.com>",
    );
    const v = attributeCommit(c, ctx);
    expect([v.tool, v.tools, v.subtype]).toEqual(["claude-code", ["claude-code", "copilot"], "assisted"]);
  });

  it("reviewSuggestions: ignore drops review bots' evidence; the default counts it at high (ai-suggested)", () => {
    const c = commit(
      "ffff001",
      "Fetch instructions (#1869)\n\nCo-authored-by: ellipsis-dev[bot] <65095814+ellipsis-dev[bot]@users.noreply.github.com>",
    );
    expect(attributeCommit(c, ctx)).toMatchObject({
      class: "ai",
      tool: "other-ai",
      confidence: "high",
      subtype: "ai-suggested",
    });
    const ignoring = { rules: compileRules({ reviewSuggestions: "ignore" }) };
    expect(attributeCommit(c, ignoring).class).toBe("human");
    expect(ignoring.rules.version).not.toBe(BUILTIN_RULES_VERSION);
  });
});
