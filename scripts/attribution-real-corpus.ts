/**
 * The real-commit corpus (packages/attribution/corpus/real): commits of public repositories that
 * use AI coding tools, labelled from the visible evidence by the criteria written down in
 * packages/attribution/corpus/real/README.md. It does NOT import the attribution engine: the
 * labels must not come from the code they score.
 *
 *   pnpm exec tsx scripts/attribution-real-corpus.ts            regenerate corpus/real/*.jsonl from the
 *                                                               mirrors and the pinned list (pins.tsv)
 *   pnpm exec tsx scripts/attribution-real-corpus.ts --select   propose pins.tsv again: label every commit
 *                                                               of every mirror, take a stratified sample
 *   options: --mirrors DIR (default /work/.mirror; a repository owner/name lives at DIR/owner+name/repo)
 *
 * pins.tsv is the reviewed data: `repo, sha, class, tool, family, reason`, one commit a line. A
 * label corrected by hand goes to overrides.tsv (`sha, class, tool, family, reason`), which
 * --select applies on top of the criteria, so a re-selection keeps every reviewed decision.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "packages/attribution/corpus/real");
const args = process.argv.slice(2);
const mirrorsAt = args.indexOf("--mirrors");
const mirrors = mirrorsAt === -1 ? "/work/.mirror" : (args[mirrorsAt + 1] ?? "/work/.mirror");

export interface GitCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  committerName: string;
  committerEmail: string;
  parents: string[];
  message: string;
}

export type LabelClass = "ai" | "human" | "bot";
export interface Label {
  class: LabelClass;
  tool: string | null;
  /** The kind of evidence the label rests on (per-family figures are reported on it). */
  family: string;
  reason: string;
}

const FORMAT = "%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%P%x1f%B%x1e";

function parseLog(out: string): GitCommit[] {
  const commits: GitCommit[] = [];
  for (const rec of out.split("\x1e")) {
    const text = rec.replace(/^\n/, "");
    if (text === "") continue;
    const p = text.split("\x1f");
    if (p.length < 7) continue;
    commits.push({
      sha: p[0] ?? "",
      authorName: p[1] ?? "",
      authorEmail: p[2] ?? "",
      committerName: p[3] ?? "",
      committerEmail: p[4] ?? "",
      parents: (p[5] ?? "").split(" ").filter((s) => s !== ""),
      message: (p[6] ?? "").replace(/\n+$/, ""),
    });
  }
  return commits;
}

function gitDir(repo: string): string {
  return join(mirrors, repo.replace("/", "+"), "repo");
}

function readCommits(repo: string, shas?: readonly string[]): GitCommit[] {
  const base = ["--git-dir", gitDir(repo), "log", `--format=${FORMAT}`];
  const out =
    shas === undefined
      ? execFileSync("git", [...base, "HEAD"], { maxBuffer: 1 << 30 })
      : execFileSync("git", [...base, "--no-walk=unsorted", "--stdin"], {
          input: `${shas.join("\n")}\n`,
          maxBuffer: 1 << 30,
        });
  return parseLog(out.toString("utf8"));
}

// ---------------------------------------------------------------------------------------------
// The labelling criteria (README.md, "Labelling criteria"). Independent of the engine: written
// from the tools' documentation and from reading the histories, checked by reading samples.
// ---------------------------------------------------------------------------------------------

/** An identity (name <email>) an AI tool commits or co-authors as. `review`: an accepted review suggestion. */
interface AgentIdentity {
  tool: string;
  test: RegExp;
  what: string;
  review?: boolean;
}

const AGENT_IDENTITIES: AgentIdentity[] = [
  { tool: "claude-code", test: /<noreply@anthropic\.com>/i, what: "Anthropic's noreply address (Claude Code)" },
  { tool: "claude-code", test: /claude\[bot\]/i, what: "the claude[bot] account (Claude GitHub Action)" },
  { tool: "copilot", test: /198982749\+Copilot@|copilot-swe-agent/i, what: "the Copilot coding agent account" },
  { tool: "copilot", test: /223556219\+Copilot@/i, what: "the Copilot CLI/app account" },
  { tool: "copilot", test: /^Copilot Autofix powered by AI </i, what: "Copilot Autofix", review: true },
  { tool: "copilot", test: /175728472\+Copilot@/i, what: "Copilot's review-suggestion account", review: true },
  { tool: "copilot", test: /<copilot@github\.com>/i, what: "VS Code Copilot's co-author identity" },
  { tool: "cursor", test: /cursoragent@cursor\.com/i, what: "Cursor's agent identity" },
  { tool: "cursor", test: /\bcursor\[bot\]/i, what: "cursor[bot] (Bugbot fix)", review: true },
  { tool: "codex", test: /^[^<]*\bCodex\b[^<]*<[^>]*@openai\.com>/i, what: "Codex's identity" },
  { tool: "codex", test: /chatgpt-codex-connector/i, what: "the Codex connector account" },
  { tool: "aider", test: /<(?:aider@aider\.chat|noreply@aider\.(?:chat|dev))>/i, what: "aider's co-author identity" },
  { tool: "devin", test: /devin-ai-integration/i, what: "Devin's account" },
  { tool: "jules", test: /google-labs-jules/i, what: "Jules's account" },
  { tool: "gemini", test: /gemini-code-assist\[bot\]/i, what: "Gemini Code Assist (review suggestion)", review: true },
  { tool: "amazon-q", test: /amazon-q-developer\[bot\]|kiro-agent\[bot\]/i, what: "Amazon Q / Kiro account" },
  {
    tool: "openhands",
    test: /<(?:openhands|opendevin)@all-hands\.dev>|openhands-agent/i,
    what: "OpenHands's identity",
  },
  { tool: "amp", test: /<amp@ampcode\.com>/i, what: "Amp's identity" },
  { tool: "factory", test: /factory-droid\[bot\]/i, what: "Factory's droid account" },
  { tool: "sweep", test: /sweep-ai\[bot\]|sweep-nightly\[bot\]/i, what: "Sweep's agent account" },
  { tool: "opencode", test: /opencode-agent\[bot\]/i, what: "opencode's agent account" },
  { tool: "other-ai", test: /roomote\[bot\]|<roomote@roocode\.com>/i, what: "Roo Code's cloud agent (roomote)" },
  { tool: "other-ai", test: /<(?:noreply|agent)@continue\.dev>|\bcontinue\[bot\]/i, what: "Continue's agent" },
  { tool: "other-ai", test: /\bopen-swe(?:-dev)?\[bot\]/i, what: "LangChain's Open SWE coding agent" },
  { tool: "other-ai", test: /ellipsis-dev\[bot\]/i, what: "Ellipsis (AI review suggestion)", review: true },
  { tool: "other-ai", test: /cubic-dev-ai\[bot\]/i, what: "cubic (AI review suggestion)", review: true },
  { tool: "other-ai", test: /greptile-apps\[bot\]/i, what: "Greptile (AI review suggestion)", review: true },
  { tool: "other-ai", test: /coderabbitai\[bot\]/i, what: "CodeRabbit (AI review suggestion)", review: true },
];

/** Message markers written by the tools (anchored, whole lines). */
const MESSAGE_MARKERS: Array<{ tool: string; test: RegExp; what: string }> = [
  {
    tool: "claude-code",
    test: /Generated with \[Claude Code\]\(https:\/\/claude\.(?:ai|com)\//,
    what: "Claude Code footer",
  },
  { tool: "claude-code", test: /https:\/\/claude\.ai\/code\/session_/, what: "Claude Code session link" },
  { tool: "copilot", test: /^[ \t*-]*Agent-Logs-Url: https:\/\/github\.com\//m, what: "Copilot Agent-Logs-Url" },
  { tool: "copilot", test: /^Potential fix for code scanning alert no\. \d+/, what: "Copilot Autofix subject" },
  { tool: "cursor", test: /^[ \t*-]*Made-with: Cursor/m, what: "Made-with: Cursor trailer" },
  { tool: "cursor", test: /cursor\.com\/agents\/bc-/, what: "Cursor agent link" },
  { tool: "cursor", test: /Made with \[Cursor\]\(https:\/\/cursor\.com\/?\)/, what: "Made with [Cursor] footer" },
  { tool: "codex", test: /chatgpt\.com\/codex\/tasks\/task_/, what: "Codex task link" },
  { tool: "aider", test: /^aider: /, what: "aider: subject prefix" },
  { tool: "devin", test: /app\.devin\.ai\/sessions\/|Generated with \[Devin\]/, what: "Devin session link or footer" },
  { tool: "jules", test: /jules\.google\.com\/task\//, what: "Jules task link" },
  { tool: "amp", test: /https:\/\/ampcode\.com\/threads\/T-[0-9a-f-]+/, what: "Amp thread link" },
  { tool: "replit", test: /^Replit-Commit-Author: (?:Agent|Assistant)$/m, what: "Replit agent trailer" },
  { tool: "opencode", test: /Generated with \[opencode\]\(https:\/\/opencode\.ai\)/, what: "opencode footer" },
  { tool: "other-ai", test: /Generated with \[Continue\]\(https:\/\/continue\.dev\)/, what: "Continue footer" },
];

/** Branch prefixes agents push to, read from `Merge pull request #N from owner/<branch>`. */
const AGENT_BRANCHES: Array<{ tool: string; test: RegExp }> = [
  { tool: "codex", test: /^codex\// },
  { tool: "copilot", test: /^copilot\// },
  { tool: "claude-code", test: /^claude\// },
  { tool: "cursor", test: /^cursor\// },
  { tool: "devin", test: /^devin\/\d{10}-/ },
  { tool: "jules", test: /^jules_wip_|^google-labs-jules/ },
  { tool: "openhands", test: /^openhands-fix-issue-/ },
  { tool: "sweep", test: /^sweep\// },
];

/** Automation that is not AI: exact identities or unmistakable automation names. */
const AUTOMATION: Array<{ test: RegExp; family: string; what: string }> = [
  {
    test: /dependabot|renovate|snyk-bot|pyup-bot|depfu|greenkeeper/i,
    family: "dependency-bot",
    what: "dependency bot",
  },
  {
    test: /^(?:github-actions(?:\[bot\])?|GitHub Actions?) </i,
    family: "ci-bot",
    what: "GitHub Actions identity",
  },
  {
    test: /stainless-app\[bot\]|release-please|changeset-bot|semantic-release|goreleaser|^R00-B0T <|^gemini-cli-robot <|dotnet-maestro\[bot\]|^dotnet bot <|<genai-sdk-bot@google\.com>|copybara|^Stainless Bot <|^getsentry-bot </i,
    family: "release-bot",
    what: "release/export robot",
  },
];

/** Accounts whose commits carry no visible evidence either way (documented as excluded). */
const EXCLUDED_AUTHORS = /^(?:zaniebot|pydanty\[bot\]|cline-cloud\[bot\])[ <]/i;

const TOOL_WORDS =
  /\b(?:claude|anthropic|copilot|cursor|codex|openai|gpt-?\d|gemini|devin|jules|aider|openhands|opendevin|ampcode|sweep|replit|opencode|roo ?code|cline|windsurf)\b/i;

const MERGE_SUBJECT = /^Merge pull request #\d+ from [^\s/]+\/(\S+)/;
const CO_AUTHOR = /^[ \t]*(?:[*-][ \t]+)?co-(?:authored|developed)-by:[ \t]*(.*?<[^<>\n]*>)[ \t]*$/gim;

function identityOf(name: string, email: string): string {
  return `${name} <${email}>`;
}

function agentOf(identity: string): AgentIdentity | undefined {
  return AGENT_IDENTITIES.find((a) => a.test.test(identity));
}

/** The label of one commit by the written criteria, or null when the commit is left out (ambiguous). */
export function labelCommit(c: GitCommit): Label | null {
  const author = identityOf(c.authorName, c.authorEmail);
  const committer = identityOf(c.committerName, c.committerEmail);
  const subject = c.message.split("\n", 1)[0] ?? "";
  if (EXCLUDED_AUTHORS.test(author)) return null;
  const automation = AUTOMATION.find((a) => a.test.test(author));
  const isStrictBot = automation !== undefined && automation.family !== "ci-bot";
  if (isStrictBot) {
    return {
      class: "bot",
      tool: null,
      family: automation.family,
      reason: `author ${author} is a ${automation.what}`,
    };
  }
  const found: Array<{ tool: string; family: string; reason: string; review: boolean }> = [];
  const authorAgent = agentOf(author);
  if (authorAgent !== undefined) {
    found.push({
      tool: authorAgent.tool,
      family: authorAgent.review ? "review-suggestion" : "agent-author",
      reason: `author ${author}: ${authorAgent.what}`,
      review: authorAgent.review ?? false,
    });
  }
  if (/ \(aider\)$/.test(c.authorName)) {
    found.push({
      tool: "aider",
      family: "name-suffix",
      reason: `author name "${c.authorName}" carries aider's suffix`,
      review: false,
    });
  }
  const committerAgent = agentOf(committer);
  if (committerAgent !== undefined && !/\(aider\)/.test(c.committerName)) {
    found.push({
      tool: committerAgent.tool,
      family: "agent-committer",
      reason: `committer ${committer}: ${committerAgent.what}`,
      review: committerAgent.review ?? false,
    });
  }
  for (const m of c.message.matchAll(CO_AUTHOR)) {
    const who = (m[1] ?? "").trim();
    const agent = agentOf(who);
    if (agent === undefined) continue;
    found.push({
      tool: agent.tool,
      family: agent.review ? "review-suggestion" : "co-author",
      reason: `co-author ${who}: ${agent.what}`,
      review: agent.review ?? false,
    });
  }
  for (const marker of MESSAGE_MARKERS) {
    const m = marker.test.exec(c.message);
    if (m)
      found.push({
        tool: marker.tool,
        family: "message-marker",
        reason: `${marker.what}: "${m[0].trim()}"`,
        review: false,
      });
  }
  const branch = MERGE_SUBJECT.exec(subject)?.[1];
  if (branch !== undefined) {
    const agent = AGENT_BRANCHES.find((b) => b.test.test(branch));
    if (agent !== undefined) {
      found.push({
        tool: agent.tool,
        family: "merge-branch",
        reason: `merge of branch ${branch}, the agent's branch form`,
        review: false,
      });
    }
  }
  if (found.length > 0) {
    // The tool that wrote the change: a coding tool before a review suggestion; among equals a
    // named tool before other-ai; else the first found (author, committer, co-authors, message).
    const writers = found.filter((f) => !f.review);
    const pool = writers.length > 0 ? writers : found;
    const main = pool.find((f) => f.tool !== "other-ai") ?? (pool[0] as (typeof found)[number]);
    return { class: "ai", tool: main.tool, family: main.family, reason: main.reason };
  }
  if (automation !== undefined) {
    return { class: "bot", tool: null, family: automation.family, reason: `author ${author} is a ${automation.what}` };
  }
  if (/\[bot\]/i.test(author)) {
    return { class: "bot", tool: null, family: "other-bot", reason: `author ${author} is a GitHub App ([bot])` };
  }
  if (branch !== undefined && /^(?:dependabot|renovate)\//.test(branch)) {
    return {
      class: "bot",
      tool: null,
      family: "bot-branch-merge",
      reason: `merge of the dependency bot's branch ${branch}`,
    };
  }
  if (/\(aider\)/.test(c.committerName)) {
    return {
      class: "human",
      tool: null,
      family: "aider-committer-only",
      reason: `committer "${c.committerName}" carries aider's suffix but the author is plain: the user's own change`,
    };
  }
  const mention = TOOL_WORDS.exec(c.message);
  if (mention) {
    return {
      class: "human",
      tool: null,
      family: "tool-mention",
      reason: `names "${mention[0]}" in prose with no tool marker or identity; author ${author}`,
    };
  }
  return { class: "human", tool: null, family: "plain", reason: `no tool marker or identity; author ${author}` };
}

// ---------------------------------------------------------------------------------------------

const PINS = join(dir, "pins.tsv");
const OVERRIDES = join(dir, "overrides.tsv");
const PIN_HEADER = "repo\tsha\tclass\ttool\tfamily\treason";

interface Pin extends Label {
  repo: string;
  sha: string;
}

function clean(s: string): string {
  return s.replace(/[\t\n\r]+/g, " ").slice(0, 300);
}

function readTsv(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

function readPins(): Pin[] {
  return readTsv(PINS).map(([repo, sha, cls, tool, family, reason], i) => {
    if (repo === undefined || sha === undefined || !["ai", "human", "bot"].includes(cls ?? "")) {
      throw new Error(`pins.tsv line ${i + 2}: expected repo, sha, class (ai|human|bot), tool, family, reason`);
    }
    return {
      repo,
      sha,
      class: cls as LabelClass,
      tool: tool === "" || tool === undefined ? null : tool,
      family: family ?? "",
      reason: reason ?? "",
    };
  });
}

/** Deterministic order independent of history order: a hash of the sha. */
function rank(sha: string): number {
  let h = 2166136261;
  for (let i = 0; i < sha.length; i++) h = Math.imul(h ^ sha.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Per repository and stratum (class, tool, family), how many commits the sample takes at most. */
const CAP: Record<string, number> = { ai: 30, bot: 12, "tool-mention": 12, "aider-committer-only": 12, plain: 10 };

function select(): void {
  const overrides = new Map(
    readTsv(OVERRIDES).map(([sha, cls, tool, family, reason]) => [
      sha ?? "",
      {
        class: cls as LabelClass,
        tool: tool === "" || tool === undefined ? null : tool,
        family: family ?? "",
        reason: reason ?? "",
      },
    ]),
  );
  const repos = readdirSync(mirrors, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.includes("+"))
    .map((d) => d.name.replace("+", "/"))
    .sort();
  const pins: Pin[] = [];
  for (const repo of repos) {
    const strata = new Map<string, Pin[]>();
    for (const c of readCommits(repo)) {
      const label = overrides.get(c.sha) ?? labelCommit(c);
      if (label === null) continue;
      const key = `${label.class}|${label.tool ?? ""}|${label.family}`;
      const list = strata.get(key) ?? [];
      list.push({ repo, sha: c.sha, ...label });
      strata.set(key, list);
    }
    for (const [key, list] of strata) {
      const [cls, , family] = key.split("|");
      const cap = CAP[cls === "human" ? (family ?? "plain") : (cls ?? "ai")] ?? 10;
      list.sort((a, b) => rank(a.sha) - rank(b.sha));
      pins.push(...list.slice(0, cap));
    }
  }
  pins.sort((a, b) => a.repo.localeCompare(b.repo) || a.sha.localeCompare(b.sha));
  const lines = pins.map((p) => [p.repo, p.sha, p.class, p.tool ?? "", p.family, clean(p.reason)].join("\t"));
  writeFileSync(PINS, `${PIN_HEADER}\n${lines.join("\n")}\n`);
  console.log(`pins.tsv: ${pins.length} commits from ${repos.length} repositories`);
}

function regenerate(): void {
  const pins = readPins();
  const byRepo = new Map<string, Pin[]>();
  for (const p of pins) byRepo.set(p.repo, [...(byRepo.get(p.repo) ?? []), p]);
  for (const f of readdirSync(dir)) if (f.endsWith(".jsonl")) rmSync(join(dir, f));
  mkdirSync(dir, { recursive: true });
  for (const [repo, list] of [...byRepo].sort(([a], [b]) => a.localeCompare(b))) {
    const commits = new Map(
      readCommits(
        repo,
        list.map((p) => p.sha),
      ).map((c) => [c.sha, c]),
    );
    const out: string[] = [];
    for (const p of list) {
      const c = commits.get(p.sha);
      if (c === undefined) throw new Error(`${repo}: pinned commit ${p.sha} is not in the mirror`);
      const input = {
        id: c.sha,
        message: c.message,
        authorName: c.authorName,
        authorEmail: c.authorEmail,
        committerName: c.committerName,
        committerEmail: c.committerEmail,
      };
      out.push(
        JSON.stringify({
          repo,
          sha: c.sha,
          input,
          label: { class: p.class, tool: p.tool, family: p.family },
          reason: p.reason,
        }),
      );
    }
    writeFileSync(join(dir, `${repo.replace("/", "+")}.jsonl`), `${out.join("\n")}\n`);
  }
  console.log(`corpus/real: ${pins.length} commits from ${byRepo.size} repositories`);
}

// Run as a script only: scripts/replay-world.ts imports the labeller.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (args.includes("--select")) select();
  else regenerate();
}
