/**
 * Generates the labelled attribution corpus (packages/attribution/testdata/corpus.jsonl):
 * realistic commits in `yardstick attribute`'s input format plus `expected: {class, tool,
 * confidence}`, covering every catalogue signal, squash and merge forms, agent-opened PRs, and
 * many hard negatives and bots. Deterministic (seeded), so re-running reproduces the committed file.
 *
 *   pnpm exec tsx scripts/attribution-corpus.ts
 *
 * Labels are ground truth, written by hand per template, never derived from the engine:
 * - class: was AI used (ai), a person alone (human), or automation (bot)?
 * - tool: the tool that did the work (null unless ai).
 * - confidence (ai only): the strongest confidence the record's own traces can justify under
 *   ATTRIBUTION.md. A Codex cloud change whose only trace is its `codex/` branch is AI, labelled
 *   `medium`: at the default threshold (high) it is correctly NOT counted as AI-assisted.
 */
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

type Cls = "ai" | "human" | "bot";
type Conf = "high" | "medium" | "low";
interface Pr {
  authorLogin: string;
  authorType?: "User" | "Bot";
  headRef?: string;
  labels?: string[];
  title?: string;
  body?: string;
}
interface Case {
  id: string;
  message: string;
  authorName: string;
  authorEmail: string;
  committerName?: string;
  committerEmail?: string;
  authorLogin?: string;
  pr?: Pr;
  expected: { class: Cls; tool: string | null; confidence: Conf | null };
}

// ---- deterministic randomness ----
let seed = 20261124;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
function pick<T>(xs: readonly T[]): T {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error("empty pool");
  return x;
}
const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
const alnum = (n: number) =>
  Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[int(0, 61)]).join(
    "",
  );
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
const sha = () => hex(40);

// ---- people and repos ----
interface Person {
  name: string;
  email: string;
  login: string;
  id: number;
}
const PEOPLE: Person[] = [
  ["Priya Raman", "priya@acme.io", "priya-r"],
  ["Sam Lee", "sam.lee@acme.io", "samlee"],
  ["Ana Ruiz", "ana.ruiz@gmail.com", "anaruiz"],
  ["Tomás Herrera", "tomas@herrera.dev", "therrera"],
  ["Mei Chen", "mei.chen@acme.io", "meichen"],
  ["Jonas Becker", "jonas.becker@acme.de", "jbecker"],
  ["Olu Adeyemi", "olu@acme.io", "oluade"],
  ["Hannah Kim", "hkim@acme.io", "hannahk"],
  ["Ravi Shankar", "ravi.s@acme.io", "ravish"],
  ["Lena Novak", "lena@novak.cz", "lnovak"],
  ["Marcus Webb", "marcus.webb@acme.io", "mwebb"],
  ["Fatima Zahra", "fatima@acme.io", "fzahra"],
  ["Kenji Watanabe", "kenji@acme.jp", "kwatanabe"],
  ["Chloé Martin", "chloe.martin@acme.fr", "cmartin"],
  ["Diego Alvarez", "diego@alvarez.io", "dalvarez"],
  ["Ingrid Solberg", "ingrid@acme.no", "isolberg"],
  ["Yusuf Demir", "yusuf.demir@acme.io", "ydemir"],
  ["Grace O'Neill", "grace.oneill@acme.io", "goneill"],
  ["Arjun Mehta", "arjun@mehta.dev", "arjunm"],
  ["Sofia Rossi", "sofia.rossi@acme.it", "srossi"],
].map(([name, email, login], i) => {
  const id = 1_000_000 + i * 7919;
  // A third of people commit with their GitHub noreply address.
  const useNoreply = i % 3 === 2;
  return {
    name: name ?? "",
    email: useNoreply ? `${id}+${login}@users.noreply.github.com` : (email ?? ""),
    login: login ?? "",
    id,
  };
});
const person = () => pick(PEOPLE);
const OWNERS = ["acme", "acme-labs", "northwind", "globex"];
const REPOS = ["shop", "payments", "web", "infra", "billing-api", "mobile", "data-pipeline", "auth"];

const SUBJECTS = [
  "Fix race condition in session refresh",
  "Add pagination to audit log endpoint",
  "Handle 429 responses from the payments gateway",
  "Refactor cart totals into a pure function",
  "Add CSV export for invoices",
  "Migrate user settings to the new schema",
  "Remove unused feature flags",
  "Speed up product search query",
  "Add retry with jitter to webhook delivery",
  "Validate email addresses on signup",
  "Fix off-by-one in date range picker",
  "Add dark mode toggle to settings page",
  "Upgrade eslint config and fix warnings",
  "Log request ids in the worker",
  "Add integration test for refund flow",
  "Cache exchange rates for five minutes",
  "Fix flaky checkout e2e test",
  "Extract address form into its own component",
  "Support ISO week numbers in reports",
  "Add Terraform module for the staging bucket",
  "Return 404 instead of 500 for unknown orders",
  "Document the deployment runbook",
  "Add rate limiter to the public API",
  "Fix memory leak in websocket handler",
  "Use streaming JSON parser for large exports",
  "Add healthcheck endpoint",
  "Rename Customer.fullName to displayName",
  "Add index on orders.created_at",
  "Fix timezone handling in weekly digest",
  "Add GraphQL resolver for shipments",
  "Drop support for Node 18",
  "Add OpenTelemetry tracing to the API",
  "Fix typo in onboarding email",
  "Tighten CSP headers",
  "Add unit tests for price rounding",
  "Paginate admin user list",
  "Fix broken link in README",
  "Move secrets to the parameter store",
  "Improve error message for invalid coupon codes",
  "Add feature flag for the new checkout",
];
const CONVENTIONAL = ["fix", "feat", "chore", "refactor", "perf", "test", "docs"];
function subject(): string {
  const s = pick(SUBJECTS);
  if (rand() < 0.35) {
    const type = pick(CONVENTIONAL);
    const scope = rand() < 0.5 ? `(${pick(["api", "web", "worker", "db", "auth", "ci", "ui"])})` : "";
    return `${type}${scope}: ${s.charAt(0).toLowerCase()}${s.slice(1)}`;
  }
  return s;
}
const BODY_LINES = [
  "The previous implementation re-read the whole table on every request.",
  "This keeps the public API unchanged.",
  "Follow-up to the incident review from last week.",
  "Tested locally against the staging database.",
  "The old code path is kept behind a flag until the migration is done.",
  "Closes the gap reported by support.",
  "No behaviour change for existing customers.",
  "Adds tests for the edge cases we hit in production.",
];
function body(): string {
  return rand() < 0.4 ? "" : `\n\n${pick(BODY_LINES)}${rand() < 0.4 ? ` ${pick(BODY_LINES)}` : ""}`;
}
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/^[a-z]+(\([a-z]+\))?: /, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .split("-")
    .slice(0, 5)
    .join("-");
const prNumber = () => int(12, 4800);
const coAuthorLine = (p: Person, spelling = "Co-authored-by") => `${spelling}: ${p.name} <${p.email}>`;

const GITHUB = { committerName: "GitHub", committerEmail: "noreply@github.com" };

/** A squash commit: title (#N), each commit as a bullet, `---------`, co-author lines. */
function squash(title: string, n: number, commits: string[], coAuthors: string[]): string {
  const bullets = commits.map((c) => `* ${c.replace(/\n/g, "\n")}`).join("\n\n");
  const tail = coAuthors.length > 0 ? `\n\n---------\n\n${coAuthors.join("\n")}` : "";
  return `${title} (#${n})\n\n${bullets}${tail}`;
}
const mergeSubject = (n: number, owner: string, branch: string, title: string) =>
  `Merge pull request #${n} from ${owner}/${branch}\n\n${title}`;

const cases: Case[] = [];
const counters = new Map<string, number>();
function add(group: string, c: Omit<Case, "id">): void {
  const n = (counters.get(group) ?? 0) + 1;
  counters.set(group, n);
  cases.push({ id: `${group}/${String(n).padStart(3, "0")}`, ...c });
}
const ai = (tool: string, confidence: Conf = "high") => ({ class: "ai" as const, tool, confidence });
const HUMAN = { class: "human" as const, tool: null, confidence: null };
const BOT = { class: "bot" as const, tool: null, confidence: null };

/** A trailer-based AI case in one of three forms: plain commit, squash commit, squash with PR. */
function trailerCase(group: string, tool: string, trailers: () => string[], conf: Conf = "high", times = 8): void {
  for (let i = 0; i < times; i++) {
    const p = person();
    const s = subject();
    const form = i % 3;
    if (form === 0) {
      add(group, {
        message: `${s}${body()}\n\n${trailers().join("\n")}`,
        authorName: p.name,
        authorEmail: p.email,
        authorLogin: p.login,
        expected: ai(tool, conf),
      });
    } else {
      const n = prNumber();
      const other = person();
      const inner = [`${s}${rand() < 0.5 ? "" : `\n\n${trailers().join("\n")}`}`, subject()];
      // The trailer lands inside the bullet list (the case trailer parsers miss) or after ---------.
      const bulletTrailers = form === 1;
      const msg = bulletTrailers
        ? squash(
            s,
            n,
            [`${inner[0]?.split("\n")[0]}\n\n${trailers().join("\n")}`, "Address review comments"],
            rand() < 0.5 ? [coAuthorLine(other)] : [],
          )
        : squash(
            s,
            n,
            [inner[0]?.split("\n")[0] ?? s, "fix lint"],
            [...trailers(), ...(rand() < 0.4 ? [coAuthorLine(other)] : [])],
          );
      add(group, {
        message: msg,
        authorName: p.name,
        authorEmail: p.email,
        ...GITHUB,
        pr:
          rand() < 0.6
            ? {
                authorLogin: p.login,
                authorType: "User",
                headRef: `${p.login}/${slug(s)}`,
                title: s,
                body: pick(BODY_LINES),
              }
            : undefined,
        expected: ai(tool, conf),
      });
    }
  }
}

// ================= AI, high =================
const claudeModels = ["", " Sonnet 4.5", " Opus 4.5", " Opus 4.6 (1M context)", " Sonnet 4", " Haiku 4.5"];
trailerCase(
  "claude-code/co-author",
  "claude-code",
  () => [`Co-Authored-By: Claude${pick(claudeModels)} <noreply@anthropic.com>`],
  "high",
  14,
);
trailerCase("claude-code/footer", "claude-code", () => [
  `🤖 Generated with [Claude Code](${pick(["https://claude.ai/code", "https://claude.com/claude-code"])})`,
  "",
  `Co-Authored-By: Claude${pick(claudeModels)} <noreply@anthropic.com>`,
]);
trailerCase(
  "claude-code/footer-only",
  "claude-code",
  () => [`🤖 Generated with [Claude Code](https://claude.com/claude-code)`],
  "high",
  4,
);
trailerCase(
  "claude-code/session",
  "claude-code",
  () => [`Claude-Session: https://claude.ai/code/session_${alnum(24)}`],
  "high",
  5,
);
trailerCase("claude-code/session-url", "claude-code", () => [`https://claude.ai/code/session_${alnum(24)}`], "high", 3);
for (let i = 0; i < 6; i++) {
  const p = person();
  const issue = int(10, 900);
  const s = subject();
  add("claude-code/action", {
    message: `${s}\n\nCo-authored-by: ${p.login} <${p.id}+${p.login}@users.noreply.github.com>`,
    authorName: "claude[bot]",
    authorEmail: "209825114+claude[bot]@users.noreply.github.com",
    authorLogin: "claude[bot]",
    pr:
      i % 2 === 0
        ? {
            authorLogin: p.login,
            authorType: "User",
            headRef: `claude/issue-${issue}-2026${String(int(1, 11)).padStart(2, "0")}${String(int(10, 28))}-${String(int(10, 23))}${String(int(10, 59))}`,
            title: s,
            body: `Fixes #${issue}\n\nGenerated with [Claude Code](https://claude.ai/code)`,
          }
        : undefined,
    expected: ai("claude-code"),
  });
}
for (let i = 0; i < 4; i++) {
  const p = person();
  const s = subject();
  add("claude-code/pr-footer", {
    message: `${s} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr: {
      authorLogin: p.login,
      authorType: "User",
      headRef: `${slug(s)}`,
      title: s,
      body: `## Summary\n- ${pick(BODY_LINES)}\n\n## Test plan\n- [x] unit tests\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)`,
    },
    expected: ai("claude-code"),
  });
}

// Copilot coding agent: squash by the agent account, PR by Copilot.
for (let i = 0; i < 12; i++) {
  const p = person();
  const s = subject();
  const n = prNumber();
  const form = i % 4;
  const logs = `Agent-Logs-Url: https://github.com/${pick(OWNERS)}/${pick(REPOS)}/sessions/${uuid()}`;
  if (form === 0) {
    add("copilot/agent-commit", {
      message: `${s}\n\nCo-authored-by: ${p.login} <${p.id}+${p.login}@users.noreply.github.com>\n\n${logs}`,
      authorName: "Copilot",
      authorEmail: "198982749+Copilot@users.noreply.github.com",
      authorLogin: "Copilot",
      pr: {
        authorLogin: "Copilot",
        authorType: "Bot",
        headRef: `copilot/${slug(s)}`,
        title: s,
        body: `${pick(BODY_LINES)}\n\nFixes #${int(10, 500)}\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\n\n<!-- START COPILOT ORIGINAL PROMPT -->`,
      },
      expected: ai("copilot"),
    });
  } else if (form === 1) {
    add("copilot/agent-squash", {
      message: squash(
        s,
        n,
        [
          "Initial plan",
          `${s}\n\nCo-authored-by: ${p.login} <${p.id}+${p.login}@users.noreply.github.com>`,
          "Address review feedback",
        ],
        [
          `Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>`,
          `Co-authored-by: ${p.login} <${p.id}+${p.login}@users.noreply.github.com>`,
        ],
      ),
      authorName: "Copilot",
      authorEmail: "198982749+Copilot@users.noreply.github.com",
      ...GITHUB,
      expected: ai("copilot"),
    });
  } else if (form === 2) {
    // Squash done by the human who merged it, as the squash author: the agent is a co-author.
    add("copilot/agent-squash-human", {
      message: squash(
        s,
        n,
        ["Initial plan", s],
        [`Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>`],
      ),
      authorName: p.name,
      authorEmail: p.email,
      ...GITHUB,
      expected: ai("copilot"),
    });
  } else {
    add("copilot/agent-pr", {
      message: `Initial plan`,
      authorName: "Copilot",
      authorEmail: "198982749+Copilot@users.noreply.github.com",
      pr: {
        authorLogin: "Copilot",
        authorType: "Bot",
        headRef: `copilot/fix-${int(10, 999)}`,
        title: `[WIP] ${s}`,
        body: `Thanks for assigning this issue to me.\n\n<!-- START COPILOT CODING AGENT SUFFIX -->`,
      },
      expected: ai("copilot"),
    });
  }
}
for (let i = 0; i < 5; i++) {
  const p = person();
  const alert = int(1, 240);
  const what = pick([
    "Incomplete URL substring sanitization",
    "Clear-text logging of sensitive information",
    "Uncontrolled data used in path expression",
    "Missing rate limiting",
    "Workflow does not contain permissions",
  ]);
  add("copilot/autofix", {
    message:
      i % 2 === 0
        ? `Potential fix for code scanning alert no. ${alert}: ${what}\n\nCo-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>`
        : squash(
            `Potential fix for code scanning alert no. ${alert}: ${what}`,
            prNumber(),
            [`Potential fix for code scanning alert no. ${alert}: ${what}`],
            [
              "Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>",
            ],
          ),
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    expected: ai("copilot"),
  });
}
trailerCase(
  "copilot/cli",
  "copilot",
  () => ["Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"],
  "high",
  5,
);
trailerCase("copilot/cli-session", "copilot", () => [`Copilot-Session: ${uuid()}`], "high", 3);

// Cursor
trailerCase("cursor/co-author", "cursor", () => ["Co-authored-by: Cursor <cursoragent@cursor.com>"], "high", 8);
trailerCase("cursor/made-with", "cursor", () => ["Made-with: Cursor"], "high", 5);
for (let i = 0; i < 6; i++) {
  const p = person();
  const s = subject();
  add("cursor/agent", {
    message: `${s}${body()}\n\nCo-authored-by: ${p.name} <${p.email}>`,
    authorName: "Cursor Agent",
    authorEmail: "cursoragent@cursor.com",
    pr:
      i % 2 === 0
        ? {
            authorLogin: p.login,
            authorType: "User",
            headRef: `cursor/${slug(s)}-${hex(4)}`,
            title: s,
            body: `<!-- CURSOR_AGENT_PR_BODY_BEGIN -->\n${pick(BODY_LINES)}\n\n<a href="https://cursor.com/background-agent?bcId=bc-${uuid()}">Open in Cursor</a>\n<!-- CURSOR_AGENT_PR_BODY_END -->`,
          }
        : undefined,
    expected: ai("cursor"),
  });
}
for (let i = 0; i < 3; i++) {
  const p = person();
  const s = subject();
  add("cursor/pr-link", {
    message: `${s} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr: {
      authorLogin: p.login,
      headRef: `${p.login}/${slug(s)}`,
      title: s,
      body:
        i === 0
          ? `${pick(BODY_LINES)}\n\nMade with [Cursor](https://cursor.com)`
          : `${pick(BODY_LINES)}\n\n[Open in Cursor](https://cursor.com/agents/bc-${uuid()})`,
    },
    expected: ai("cursor"),
  });
}

// Codex
for (let i = 0; i < 10; i++) {
  const p = person();
  const s = subject();
  const n = prNumber();
  const task = `https://chatgpt.com/codex/tasks/task_e_${hex(32)}`;
  const prBody = `## Summary\n- ${pick(BODY_LINES)}\n\n## Testing\n- ✅ \`pnpm test\`\n\n------\n${task}`;
  const form = i % 3;
  add("codex/cloud", {
    message:
      form === 2
        ? mergeSubject(n, pick(OWNERS), `codex/${slug(s)}`, s)
        : `${s} (#${n})${form === 1 ? `\n\n## Summary\n- ${pick(BODY_LINES)}\n\n------\n${task}` : ""}`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr:
      form === 1
        ? undefined
        : {
            authorLogin: p.login,
            authorType: "User",
            headRef: `codex/${slug(s)}`,
            labels: rand() < 0.3 ? ["codex"] : [],
            title: s,
            body: prBody,
          },
    expected: ai("codex"),
  });
}
trailerCase(
  "codex/connector",
  "codex",
  () => [
    "Co-authored-by: chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>",
  ],
  "high",
  4,
);
trailerCase(
  "codex/cli",
  "codex",
  () => [pick(["Co-authored-by: Codex <noreply@openai.com>", "Co-authored-by: Codex <codex@openai.com>"])],
  "high",
  7,
);

// Aider
for (let i = 0; i < 8; i++) {
  const p = person();
  const s = subject();
  add("aider/author", {
    message: i % 2 === 0 ? `feat: ${s.charAt(0).toLowerCase()}${s.slice(1)}` : `${s}${body()}`,
    authorName: `${p.name} (aider)`,
    authorEmail: p.email,
    committerName: `${p.name} (aider)`,
    committerEmail: p.email,
    expected: ai("aider"),
  });
}
for (let i = 0; i < 3; i++) {
  const p = person();
  add("aider/prefix", {
    message: `aider: ${subject()}`,
    authorName: p.name,
    authorEmail: p.email,
    expected: ai("aider"),
  });
}
trailerCase(
  "aider/co-author",
  "aider",
  () => [
    `Co-authored-by: aider (${pick(["anthropic/claude-sonnet-4-20250514", "gpt-4o", "deepseek/deepseek-chat", "openrouter/anthropic/claude-3.7-sonnet"])}) <${pick(["aider@aider.chat", "aider@aider.chat", "noreply@aider.chat", "noreply@aider.dev"])}>`,
  ],
  "high",
  6,
);

// Devin
for (let i = 0; i < 9; i++) {
  const p = person();
  const s = subject();
  const session = hex(32);
  const epoch = 1_760_000_000 + int(0, 9_000_000);
  const branch =
    i % 2 === 0
      ? `devin/${epoch}-${slug(s)}`
      : `devin/${slug(s)}_2${int(5, 6)}${String(int(1, 12)).padStart(2, "0")}${String(int(10, 28))}_${String(int(10, 23))}${String(int(10, 59))}`;
  const form = i % 3;
  add("devin/agent", {
    message:
      form === 0
        ? `${s}\n\nCo-Authored-By: ${p.email} <${p.email}>`
        : form === 1
          ? squash(
              s,
              prNumber(),
              [s, "Fix lint"],
              [
                `Co-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>`,
                `Co-authored-by: ${p.name} <${p.email}>`,
              ],
            )
          : mergeSubject(prNumber(), pick(OWNERS), branch, s),
    authorName: form === 0 ? "Devin AI" : p.name,
    authorEmail: form === 0 ? "158243242+devin-ai-integration[bot]@users.noreply.github.com" : p.email,
    ...(form === 0 ? {} : GITHUB),
    pr: {
      authorLogin: "devin-ai-integration[bot]",
      authorType: "Bot",
      headRef: branch,
      title: s,
      body: `${pick(BODY_LINES)}\n\nLink to Devin run: https://app.devin.ai/sessions/${session}\nRequested by: ${p.name} (@${p.login})`,
    },
    expected: ai("devin"),
  });
}
trailerCase("devin/footer", "devin", () => ["Generated with [Devin](https://devin.ai)"], "high", 2);

// Jules
for (let i = 0; i < 6; i++) {
  const p = person();
  const s = subject();
  const task = String(int(1e15, 9e15));
  add("jules/agent", {
    message:
      i % 2 === 0
        ? s
        : squash(
            s,
            prNumber(),
            [s],
            [`Co-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>`],
          ),
    authorName: i % 2 === 0 ? "google-labs-jules[bot]" : p.name,
    authorEmail: i % 2 === 0 ? "161369871+google-labs-jules[bot]@users.noreply.github.com" : p.email,
    pr:
      i % 3 === 2
        ? undefined
        : {
            authorLogin: "google-labs-jules[bot]",
            authorType: "Bot",
            headRef: i % 2 === 0 ? `jules_wip_${int(1e9, 9e9)}` : `${slug(s)}`,
            title: s,
            body: `${pick(BODY_LINES)}\n\n---\n*PR created automatically by Jules for task [${task}](https://jules.google.com/task/${task}) started by @${p.login}*`,
          },
    expected: ai("jules"),
  });
}

// OpenHands, Amp, Factory, Sweep, Replit
trailerCase(
  "openhands/co-author",
  "openhands",
  () => ["Co-authored-by: openhands <openhands@all-hands.dev>"],
  "high",
  5,
);
for (let i = 0; i < 3; i++) {
  const issue = int(10, 999);
  add("openhands/resolver", {
    message:
      i === 0
        ? `Fix issue #${issue}: ${subject()}`
        : mergeSubject(prNumber(), pick(OWNERS), `openhands-fix-issue-${issue}`, `Fix issue #${issue}`),
    authorName: i === 0 ? "openhands" : person().name,
    authorEmail: i === 0 ? "openhands@all-hands.dev" : person().email,
    pr: {
      authorLogin: i === 2 ? "openhands-agent" : person().login,
      headRef: `openhands-fix-issue-${issue}`,
      title: `Fix issue #${issue}`,
    },
    // The merge by a person of the resolver's branch has only the branch name: medium since 2026.12.
    expected: i === 1 ? ai("openhands", "medium") : ai("openhands"),
  });
}
trailerCase(
  "amp/thread",
  "amp",
  () => [`Amp-Thread-ID: https://ampcode.com/threads/T-${uuid()}`, "Co-authored-by: Amp <amp@ampcode.com>"],
  "high",
  6,
);
trailerCase("amp/co-author", "amp", () => ["Co-authored-by: Amp <amp@ampcode.com>"], "high", 2);
trailerCase(
  "factory/droid",
  "factory",
  () => ["Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>"],
  "high",
  4,
);
for (let i = 0; i < 2; i++) {
  add("factory/pr", {
    message: subject(),
    authorName: "factory-droid[bot]",
    authorEmail: "138933559+factory-droid[bot]@users.noreply.github.com",
    pr: { authorLogin: "factory-droid[bot]", authorType: "Bot", headRef: `droid/${slug(subject())}`, title: subject() },
    expected: ai("factory"),
  });
}
for (let i = 0; i < 4; i++) {
  const s = subject();
  add("sweep/agent", {
    message: i % 2 === 0 ? s : `${s} (#${prNumber()})`,
    authorName: i % 2 === 0 ? "sweep-ai[bot]" : person().name,
    authorEmail: i % 2 === 0 ? "128439645+sweep-ai[bot]@users.noreply.github.com" : person().email,
    pr: {
      authorLogin: "sweep-ai[bot]",
      authorType: "Bot",
      headRef: `sweep/${slug(s)}`,
      title: i === 3 ? "[Sweep Rules] Add type hints to all functions" : `Sweep: ${s}`,
    },
    expected: ai("sweep"),
  });
}
trailerCase(
  "replit/agent",
  "replit",
  () => [
    `Replit-Commit-Author: ${pick(["Agent", "Assistant"])}`,
    `Replit-Commit-Session-Id: ${uuid()}`,
    `Replit-Commit-Checkpoint-Type: ${pick(["full_checkpoint", "intermediate_checkpoint"])}`,
  ],
  "high",
  6,
);

// Dual-use bots with a marker: AI.
for (let i = 0; i < 3; i++) {
  add("claude-code/actions-bot", {
    message: `${subject()}\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>`,
    authorName: "github-actions[bot]",
    authorEmail: "41898282+github-actions[bot]@users.noreply.github.com",
    authorLogin: "github-actions[bot]",
    expected: ai("claude-code"),
  });
}
add("gemini/cli-bot", {
  message: `${subject()}\n\nAssisted-by: Gemini:gemini-2.5-pro`,
  authorName: "gemini-cli[bot]",
  authorEmail: "218195315+gemini-cli[bot]@users.noreply.github.com",
  expected: ai("gemini", "medium"),
});

// Several tools on one change.
for (let i = 0; i < 4; i++) {
  const p = person();
  const s = subject();
  add("multi/claude-cursor", {
    message: squash(
      s,
      prNumber(),
      [
        `${s}\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>`,
        "Polish\n\nCo-authored-by: Cursor <cursoragent@cursor.com>",
      ],
      [],
    ),
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    expected: ai("claude-code"),
  });
}

// Robustness: CRLF line endings, lowercase trailer keys, trailing blanks, tabs, indented bullets.
for (let i = 0; i < 8; i++) {
  const p = person();
  const s = subject();
  const variants = [
    `${s}\r\n\r\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\r\n`,
    `${s}\n\nco-authored-by: Cursor <cursoragent@cursor.com>  `,
    `${s}\n\nCO-AUTHORED-BY:\tCodex <codex@openai.com>`,
    `${s} (#${prNumber()})\n\n* ${s}\n\n  Co-authored-by: Amp <amp@ampcode.com>\n  Amp-Thread-ID: https://ampcode.com/threads/T-${uuid()}\n\n* tidy`,
    `${s}\r\n\r\nReplit-Commit-Author: Agent\r\nReplit-Commit-Session-Id: ${uuid()}\r\n`,
    `${s}\n\nMade-with: Cursor \n`,
    `${s} (#${prNumber()})\n\n- ${s}\n- Co-Authored-By: Claude <noreply@anthropic.com>`,
    `${s}\n\n🤖 Generated with [Claude Code](https://claude.ai/code/)\n`,
  ];
  const tools = ["claude-code", "cursor", "codex", "amp", "replit", "cursor", "claude-code", "claude-code"];
  add("robust/format", {
    message: variants[i] ?? s,
    authorName: p.name,
    authorEmail: p.email,
    expected: ai(tools[i] ?? "claude-code"),
  });
}

// ================= AI, medium / low =================
for (let i = 0; i < 7; i++) {
  const p = person();
  const s = subject();
  const n = prNumber();
  add("codex/branch-only", {
    message: i % 2 === 0 ? mergeSubject(n, pick(OWNERS), `codex/${slug(s)}`, s) : `${s} (#${n})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr:
      i % 2 === 0 && i > 2
        ? undefined
        : { authorLogin: p.login, headRef: `codex/${slug(s)}`, title: s, body: `## Summary\n- ${pick(BODY_LINES)}` },
    expected: ai("codex", "medium"),
  });
}
for (let i = 0; i < 3; i++) {
  const p = person();
  const s = subject();
  add("copilot/branch-only", {
    message: `${s} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr: { authorLogin: p.login, headRef: `copilot/${slug(s)}`, title: s },
    expected: ai("copilot", "medium"),
  });
  add("cursor/branch-only", {
    message: `${s} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr: { authorLogin: p.login, headRef: `cursor/${slug(s)}-${hex(4)}`, title: s },
    expected: ai("cursor", "medium"),
  });
}
for (let i = 0; i < 2; i++) {
  const p = person();
  add("claude-code/action-branch-only", {
    message: `${subject()} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    pr: {
      authorLogin: p.login,
      headRef: `claude/issue-${int(10, 900)}-20260${int(1, 9)}${int(10, 28)}-${int(10, 23)}${int(10, 59)}`,
      title: subject(),
    },
    expected: ai("claude-code", "medium"),
  });
}
trailerCase(
  "copilot/review-suggestion",
  "copilot",
  () => ["Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"],
  // Policy 2026.12: a review suggestion committed is AI-assisted by default (the exact account: high).
  "high",
  5,
);
trailerCase("copilot/vscode", "copilot", () => ["Co-authored-by: Copilot <copilot@github.com>"], "medium", 4);
trailerCase(
  "gemini/code-assist",
  "gemini",
  () => ["Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>"],
  // Policy 2026.12: a review suggestion committed is AI-assisted by default (the exact account: high).
  "high",
  5,
);
trailerCase(
  "cursor/bugbot",
  "cursor",
  () => ["Co-authored-by: cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>"],
  // Policy 2026.12: a review suggestion committed is AI-assisted by default (the exact account: high).
  "high",
  3,
);
for (const [login, tool] of [
  ["amazon-q-developer[bot]", "amazon-q"],
  ["kiro-agent[bot]", "amazon-q"],
  ["opencode-agent[bot]", "opencode"],
  ["codegen-sh[bot]", "other-ai"],
  ["tembo[bot]", "other-ai"],
  ["mentatbot[bot]", "other-ai"],
  ["roomote[bot]", "other-ai"],
] as const) {
  for (let i = 0; i < 2; i++) {
    const s = subject();
    add(`${tool}/account`, {
      message: s,
      authorName: login,
      authorEmail: `${int(100000000, 250000000)}+${login}@users.noreply.github.com`,
      pr: { authorLogin: login, authorType: "Bot", headRef: `${login.replace("[bot]", "")}/${slug(s)}`, title: s },
      expected: ai(tool, "medium"),
    });
  }
}
trailerCase("opencode/footer", "opencode", () => ["🤖 Generated with [opencode](https://opencode.ai)"], "medium", 3);
trailerCase("amazon-q/kiro-link", "amazon-q", () => [`Spec: https://app.kiro.dev/session/${uuid()}`], "medium", 2);
for (const [trailer, tool] of [
  ["Assisted-by: Claude:claude-opus-4-1 coccinelle", "claude-code"],
  ["Assisted-by: Claude:claude-sonnet-4-5", "claude-code"],
  ["Assisted-by: GitHub Copilot:gpt-4.1", "copilot"],
  ["Generated-by: Cursor (claude-4-sonnet)", "cursor"],
  ["Assisted-by: Codex:gpt-5-codex", "codex"],
  ["Assisted-by: Gemini:gemini-2.5-pro", "gemini"],
  ["Generated-by: aider 0.86", "aider"],
  ["Co-authored-by-AI: Devin", "devin"],
  ["Assisted-by: Windsurf:swe-1", "other-ai"],
  ["Assisted-by: Cline:kimi-k2", "other-ai"],
  ["Co-authored-by-AI: ChatGPT (GPT-5)", "other-ai"],
  ["Entire-Checkpoint: 3f9a2c71b0de", "other-ai"],
  ["Assisted-by: OpenHands:claude-sonnet-4", "openhands"],
  ["Assisted-by: Amp:claude-sonnet-4.5", "amp"],
] as const) {
  const p = person();
  add(`disclosure/${tool}`, {
    message: `${pick(["mm", "net", "drm/amd", "fs/ext4", "tools/perf", "docs"])}: ${subject().toLowerCase()}${body()}\n\n${trailer}\nSigned-off-by: ${p.name} <${p.email}>`,
    authorName: p.name,
    authorEmail: p.email,
    expected: ai(tool, "medium"),
  });
}
for (let i = 0; i < 4; i++) {
  const p = person();
  const s = subject();
  add("claude-code/web-branch-only", {
    message: `${s} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    ...GITHUB,
    pr: {
      authorLogin: p.login,
      headRef: `claude/${slug(s)}-${alnum(3)}${int(1, 9)}${pick(["a", "B", "x"])}${int(0, 9)}`,
      title: s,
    },
    expected: ai("claude-code", "low"),
  });
}
for (let i = 0; i < 2; i++) {
  const p = person();
  const s = subject();
  add("claude-code/two-lows", {
    message: `${s} (#${prNumber()})\n\nCo-authored-by: Claude <claude@${p.login}.dev>`,
    authorName: p.name,
    authorEmail: p.email,
    pr: { authorLogin: p.login, headRef: `claude/${slug(s)}-${alnum(3)}${int(1, 9)}K${int(0, 9)}`, title: s },
    expected: ai("claude-code", "medium"),
  });
}
trailerCase("gemini/co-author-name", "gemini", () => ["Co-Authored-By: Gemini <noreply@google.com>"], "low", 3);
trailerCase(
  "other-ai/co-author-name",
  "other-ai",
  () => [
    pick([
      "Co-authored-by: Windsurf <windsurf@codeium.com>",
      "Co-authored-by: Cline <cline@bot.local>",
      "Co-authored-by: Junie <junie@jetbrains.com>",
    ]),
  ],
  "low",
  3,
);
for (let i = 0; i < 2; i++) {
  const p = person();
  add("codex/label-only", {
    message: `${subject()} (#${prNumber()})`,
    authorName: p.name,
    authorEmail: p.email,
    pr: { authorLogin: p.login, headRef: `${p.login}/${slug(subject())}`, labels: ["codex", "enhancement"] },
    expected: ai("codex", "low"),
  });
}

// ================= Human (including hard negatives) =================
for (let i = 0; i < 40; i++) {
  const p = person();
  const s = subject();
  const form = i % 4;
  const n = prNumber();
  const co = rand() < 0.3 ? [coAuthorLine(person())] : [];
  add("human/plain", {
    message:
      form === 0
        ? `${s}${body()}${co.length ? `\n\n${co.join("\n")}` : ""}`
        : form === 1
          ? squash(s, n, [s, "Address review comments", "fix tests"], co)
          : form === 2
            ? mergeSubject(n, pick(OWNERS), `${p.login}/${slug(s)}`, s)
            : `${s} (#${n})`,
    authorName: p.name,
    authorEmail: p.email,
    ...(form === 0 ? {} : GITHUB),
    pr:
      form >= 2
        ? {
            authorLogin: p.login,
            authorType: "User",
            headRef: `${pick(["feature", "fix", "chore", p.login])}/${slug(s)}`,
            labels: rand() < 0.3 ? [pick(["bug", "enhancement", "needs-review"])] : [],
            title: s,
            body: `${pick(BODY_LINES)}\n\nCloses #${int(10, 900)}`,
          }
        : undefined,
    expected: HUMAN,
  });
}
const PROSE = [
  "Match claude's settings to codex's",
  "upgrade openai to be compatible with zod v4",
  "remove cursor rules",
  "let the claude bot trigger the audit workflows",
  "buttons missing cursor pointer styling",
  "Rewrite release changelogs with Codex",
  "Add .cursorrules to gitignore",
  "Document how to use Copilot in this repo",
  "Bump anthropic SDK and adapt to new streaming API",
  "Add CLAUDE.md with project conventions",
  "Update AGENTS.md for the new test command",
  "Fix cursor position after paste in editor",
  "Stop sending Co-authored-by trailers from the release script",
  'Revert "Add Copilot review workflow"',
  "Disable Devin integration in CI",
  "Add Gemini provider to the model router",
  "chore: remove aider chat history files",
  "Rename `copilot` feature flag to `assistant`",
  "Explain why we do not accept Generated with Claude Code footers",
  "Use jules_wip naming only in the sandbox docs",
];
for (const s of PROSE) {
  const p = person();
  add("human/tool-in-prose", {
    message: `${s}${body()}`,
    authorName: p.name,
    authorEmail: p.email,
    pr:
      rand() < 0.5
        ? {
            authorLogin: p.login,
            headRef: `${p.login}/${slug(s)}`,
            title: s,
            body: `This only mentions ${pick(["Claude", "Copilot", "Cursor", "Codex", "Devin"])} by name.`,
          }
        : undefined,
    expected: HUMAN,
  });
}
const NAMESAKES: Array<[string, string, string]> = [
  ["Claude Dupont", "claude.dupont@acme.fr", "cdupont"],
  ["Claude", "claude@lefebvre.fr", "claudel"],
  ["Claudia Rossi", "claudia@acme.it", "claudiar"],
  ["Devin Patel", "devin.patel@acme.io", "devinp"],
  ["Devin", "devin@smith.dev", "devin"],
  ["Devinda Perera", "devinda@acme.lk", "devindap"],
  ["Jules Moreau", "jules@moreau.fr", "jmoreau"],
  ["Amp Thompson", "amp@thompson.io", "ampt"],
];
for (const [name, email, login] of NAMESAKES) {
  for (let i = 0; i < 2; i++) {
    const s = subject();
    add("human/namesake", {
      message: i === 0 ? `${s}${body()}` : `${s}\n\nCo-authored-by: ${name} <${email}>`,
      authorName: i === 0 ? name : person().name,
      authorEmail: i === 0 ? email : person().email,
      pr: i === 0 ? { authorLogin: login, headRef: `${login}/${slug(s)}`, title: s } : undefined,
      expected: HUMAN,
    });
  }
}
for (const [name, email] of [
  ["Sam Altman-Lee", "sam@openai.com"],
  ["Ben Mann", "ben@anthropic.com"],
  ["Lee Kim", "lee@cursor.com"],
  ["Wei Zhang", "wei@google.com"],
  ["Ana Costa", "ana@cognition.ai"],
  ["Rui Ito", "rui@ampcode.com"],
] as const) {
  add("human/vendor-staff", {
    message: `${subject()}${body()}`,
    authorName: name,
    authorEmail: email,
    expected: HUMAN,
  });
  add("human/vendor-staff", {
    message: `${subject()}\n\nCo-authored-by: ${name} <${email}>`,
    authorName: person().name,
    authorEmail: person().email,
    expected: HUMAN,
  });
}
for (let i = 0; i < 6; i++) {
  const p = person();
  add("human/aider-committer", {
    message: `${subject()}${body()}`,
    authorName: p.name,
    authorEmail: p.email,
    committerName: `${p.name} (aider)`,
    committerEmail: p.email,
    expected: HUMAN,
  });
}
for (let i = 0; i < 4; i++) {
  const s = subject();
  add("human/devin-branch", {
    message: `${s} (#${prNumber()})`,
    authorName: "Devin Patel",
    authorEmail: "devin.patel@acme.io",
    pr: { authorLogin: "devinp", headRef: `devin/${slug(s)}`, title: s },
    expected: HUMAN,
  });
}
for (let i = 0; i < 2; i++) {
  const s = subject();
  add("human/claude-branch", {
    message: `${s} (#${prNumber()})`,
    authorName: "Claude Dupont",
    authorEmail: "claude.dupont@acme.fr",
    pr: { authorLogin: "cdupont", headRef: `claude/${slug(s)}`, title: s },
    expected: HUMAN,
  });
}
for (let i = 0; i < 4; i++) {
  const p = person();
  add("human/replit-deployment", {
    message: `Published your App\n\nReplit-Commit-Author: Deployment\nReplit-Commit-Session-Id: ${uuid()}\nReplit-Commit-Deployment-Build-Id: ${uuid()}`,
    authorName: p.name,
    authorEmail: p.email,
    expected: HUMAN,
  });
}
for (const trailer of [
  "Generated-by: protoc-gen-go v1.34.2",
  "Generated-by: openapi-generator 7.5.0",
  "Co-developed-by: Ana Ruiz <ana.ruiz@gmail.com>",
  "Reviewed-by: Sam Lee <sam.lee@acme.io>",
  "Suggested-by: Mei Chen <mei.chen@acme.io>",
  "Reported-by: syzbot+3a1b2c@syzkaller.appspotmail.com",
]) {
  const p = person();
  add("human/other-trailers", {
    message: `${subject()}${body()}\n\n${trailer}\nSigned-off-by: ${p.name} <${p.email}>`,
    authorName: p.name,
    authorEmail: p.email,
    expected: HUMAN,
  });
}
for (let i = 0; i < 4; i++) {
  const p = person();
  add("human/revert", {
    message: `Revert "${subject()}"\n\nThis reverts commit ${sha()}.`,
    authorName: p.name,
    authorEmail: p.email,
    pr: { authorLogin: p.login, headRef: `revert-${prNumber()}-${p.login}/${slug(subject())}`, title: "Revert" },
    expected: HUMAN,
  });
}

// ================= Bots =================
const AI_PACKAGES = [
  "anthropic",
  "@anthropic-ai/sdk",
  "openai",
  "@google/genai",
  "langchain",
  "@anthropic-ai/claude-code",
  "cohere",
  "llama-index",
];
for (let i = 0; i < 12; i++) {
  const pkg = pick(AI_PACKAGES);
  const from = `${int(0, 3)}.${int(0, 60)}.${int(0, 9)}`;
  const to = `${int(4, 6)}.${int(0, 60)}.${int(0, 9)}`;
  const upstream =
    i % 4 === 0
      ? `\n- ${sha().slice(0, 7)} Fix streaming\n  🤖 Generated with [Claude Code](https://claude.com/claude-code)\n  Co-Authored-By: Claude <noreply@anthropic.com>`
      : "";
  add("bot/dependabot", {
    message: `Bump ${pkg} from ${from} to ${to}\n\nBumps [${pkg}](https://github.com/example/${pkg.replace(/[@/]/g, "")}) from ${from} to ${to}.\n- [Release notes](https://github.com/example/releases)\n- [Commits](https://github.com/example/compare/v${from}...v${to})${upstream}\n\n---\nupdated-dependencies:\n- dependency-name: ${pkg}\n  dependency-version: ${to}\n  dependency-type: direct:production\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>`,
    authorName: "dependabot[bot]",
    authorEmail: "49699333+dependabot[bot]@users.noreply.github.com",
    authorLogin: "dependabot[bot]",
    pr: {
      authorLogin: "dependabot[bot]",
      authorType: "Bot",
      headRef: `dependabot/npm_and_yarn/${pkg.replace("/", "-")}-${to}`,
      labels: ["dependencies"],
      title: `Bump ${pkg} from ${from} to ${to}`,
      body: `Bumps ${pkg}. Includes changes from Copilot and Cursor contributors.`,
    },
    expected: BOT,
  });
}
for (let i = 0; i < 10; i++) {
  const dep = pick([
    "@github/copilot-language-server",
    "openai",
    "@anthropic-ai/sdk",
    "react",
    "typescript",
    "actions/checkout",
  ]);
  add("bot/renovate", {
    message: `${pick(["chore(deps)", "fix(deps)", "chore"])}: update dependency ${dep} to v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}${i % 3 === 0 ? "\n\nUpdate Copilot endpoints" : ""}`,
    authorName: i % 2 === 0 ? "renovate[bot]" : "Renovate Bot",
    authorEmail: i % 2 === 0 ? "29139614+renovate[bot]@users.noreply.github.com" : "bot@renovateapp.com",
    pr: {
      authorLogin: "renovate[bot]",
      authorType: "Bot",
      headRef: `renovate/${slug(dep)}-${int(1, 9)}.x`,
      labels: ["dependencies", "renovate"],
      title: `Update dependency ${dep}`,
    },
    expected: BOT,
  });
}
const BOT_COMMITS: Array<[string, string, string, string]> = [
  [
    "github-actions[bot]",
    "41898282+github-actions[bot]@users.noreply.github.com",
    "github-actions[bot]",
    "chore: update generated API client",
  ],
  [
    "github-actions[bot]",
    "41898282+github-actions[bot]@users.noreply.github.com",
    "github-actions[bot]",
    "Version Packages",
  ],
  ["GitHub Actions", "actions@github.com", "", "Update coverage badge"],
  ["github-actions", "github-actions@github.com", "", "docs: regenerate CLI reference [skip ci]"],
  [
    "pre-commit-ci[bot]",
    "66853113+pre-commit-ci[bot]@users.noreply.github.com",
    "pre-commit-ci[bot]",
    "[pre-commit.ci] auto fixes from pre-commit.com hooks\n\nfor more information, see https://pre-commit.ci",
  ],
  [
    "pre-commit-ci[bot]",
    "66853113+pre-commit-ci[bot]@users.noreply.github.com",
    "pre-commit-ci[bot]",
    "[pre-commit.ci] pre-commit autoupdate",
  ],
  [
    "semantic-release-bot",
    "semantic-release-bot@martynus.net",
    "semantic-release-bot",
    "chore(release): 4.2.0 [skip ci]\n\n## [4.2.0](https://github.com/acme/web/compare/v4.1.0...v4.2.0)",
  ],
  [
    "allcontributors[bot]",
    "46447321+allcontributors[bot]@users.noreply.github.com",
    "allcontributors[bot]",
    "docs: add meichen as a contributor for code",
  ],
  [
    "autofix-ci[bot]",
    "114827586+autofix-ci[bot]@users.noreply.github.com",
    "autofix-ci[bot]",
    "[autofix.ci] apply automated fixes",
  ],
  [
    "release-please[bot]",
    "55107282+release-please[bot]@users.noreply.github.com",
    "release-please[bot]",
    "chore(main): release 2.8.0",
  ],
  [
    "mergify[bot]",
    "37929162+mergify[bot]@users.noreply.github.com",
    "mergify[bot]",
    "Merge branch 'main' into feature/refunds",
  ],
  ["ImgBotApp", "ImgBotApp@gmail.com", "", "[ImgBot] Optimize images"],
  ["snyk-bot", "snyk-bot@snyk.io", "snyk-bot", "fix: upgrade axios from 1.6.0 to 1.7.4"],
  [
    "gemini-cli[bot]",
    "218195315+gemini-cli[bot]@users.noreply.github.com",
    "gemini-cli[bot]",
    "chore: triage labels for new issues",
  ],
  [
    "acme-release[bot]",
    "99887766+acme-release[bot]@users.noreply.github.com",
    "acme-release[bot]",
    "Release 2026.11.3",
  ],
  [
    "Hosted Weblate",
    "hosted@weblate.org",
    "",
    "Translated using Weblate (German)\n\nCurrently translated at 98.2% (540 of 550 strings)",
  ],
  ["goreleaserbot", "bot@goreleaser.com", "goreleaserbot", "Brew formula update for yardstick version v1.4.0"],
  [
    "changeset-bot[bot]",
    "154111+changeset-bot[bot]@users.noreply.github.com",
    "changeset-bot[bot]",
    "Version Packages",
  ],
];
for (let round = 0; round < 3; round++) {
  for (const [name, email, login, msg] of BOT_COMMITS) {
    add("bot/automation", {
      message: round === 2 ? `${msg}\n\nCo-authored-by: ${person().name} <${person().email}>` : msg,
      authorName: name,
      authorEmail: email,
      ...(login === "" ? {} : { authorLogin: login }),
      pr:
        round === 1 && login !== ""
          ? {
              authorLogin: login,
              authorType: "Bot",
              headRef: `${login.replace("[bot]", "")}/${slug(msg)}`,
              title: msg.split("\n")[0],
              body: "Automated change. Mentions Claude Code, Copilot and Cursor in the changelog.",
            }
          : undefined,
      expected: BOT,
    });
  }
}

// ---- write ----
const out = resolve(dirname(fileURLToPath(import.meta.url)), "../packages/attribution/testdata/corpus.jsonl");
writeFileSync(out, `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
const by = (k: Cls) => cases.filter((c) => c.expected.class === k).length;
console.log(`wrote ${cases.length} cases to ${out}: ai ${by("ai")}, human ${by("human")}, bot ${by("bot")}`);
