import type { AiTool, Confidence, VerdictSubtype } from "@yardstick/core";
import type { z } from "zod";
import type { AttributionRule, RuleField } from "./rule-schema.js";

/**
 * The built-in rule set: every signal of ../shared/ATTRIBUTION.md as data. Bump the version on
 * any change to a rule (stored verdicts name the version that produced them; a re-attribution
 * job recomputes verdicts whose version differs). Format: year.month.serial.
 *
 * Conventions:
 * - Identity rules are exact and case-insensitive; every given key (login, name, email) must
 *   match. A commit identity's login is the GitHub account GitHub linked, or the login inside a
 *   `ID+login@users.noreply.github.com` email.
 * - Message patterns run over the whole message with the `m` flag; a leading `^` also accepts
 *   indentation and a `* ` / `- ` bullet (squash merges push trailers into the bullet list).
 * - Branch (`pr.head-ref`) rules also run on the branch named in a merge commit's subject
 *   (`Merge pull request #12 from owner/codex/...`): branches survive there.
 */
export const BUILTIN_RULES_VERSION = "2026.12.1";

export type RuleInput = z.input<typeof AttributionRule>;

type ActorField = Extract<RuleField, "commit.author" | "commit.committer" | "commit.co-author" | "pr.author">;
const FIELD_SUFFIX: Record<RuleField, string> = {
  "commit.author": "author",
  "commit.committer": "committer",
  "commit.co-author": "co-author",
  "commit.message": "message",
  "pr.author": "pr-author",
  "pr.title": "pr-title",
  "pr.body": "pr-body",
  "pr.head-ref": "branch",
  "pr.label": "label",
};

interface AccountSpec {
  id: string;
  tool: AiTool;
  confidence: Confidence;
  subtype: VerdictSubtype;
  identity: { login?: string; name?: string; email?: string };
  fields: readonly ActorField[];
  description: string;
  /** An AI review bot's suggestion committed in review (attribution.reviewSuggestions decides). */
  reviewSuggestion?: boolean;
}

/** One rule per field for an exact identity (ids `<id>.<field>` when several; disabling `<id>` disables all). */
function account(spec: AccountSpec): RuleInput[] {
  return spec.fields.map((field) => ({
    id: spec.fields.length === 1 ? spec.id : `${spec.id}.${FIELD_SUFFIX[field]}`,
    kind: "ai" as const,
    tool: spec.tool,
    confidence: spec.confidence,
    subtype: spec.subtype,
    field,
    identity: spec.identity,
    description: spec.description,
    reviewSuggestion: spec.reviewSuggestion ?? false,
  }));
}

interface PatternSpec {
  id: string;
  tool: AiTool;
  confidence: Confidence;
  subtype: VerdictSubtype;
  pattern: string;
  fields: readonly RuleField[];
  description: string;
}

function pattern(spec: PatternSpec): RuleInput[] {
  return spec.fields.map((field) => ({
    id: spec.fields.length === 1 ? spec.id : `${spec.id}.${FIELD_SUFFIX[field]}`,
    kind: "ai" as const,
    tool: spec.tool,
    confidence: spec.confidence,
    subtype: spec.subtype,
    field,
    pattern: spec.pattern,
    description: spec.description,
  }));
}

interface BotSpec {
  id: string;
  identity: { login?: string; name?: string; email?: string };
  dualUse?: boolean;
  description: string;
}

/** A known automation account, on commit authors and PR authors. */
function bot(spec: BotSpec): RuleInput[] {
  return (["commit.author", "pr.author"] as const)
    .filter((field) => field === "commit.author" || spec.identity.login !== undefined)
    .map((field) => ({
      id: `bot.${spec.id}.${FIELD_SUFFIX[field]}`,
      kind: "bot" as const,
      tool: null,
      confidence: "high" as const,
      field,
      identity: field === "pr.author" ? { login: spec.identity.login } : spec.identity,
      dualUse: spec.dualUse ?? false,
      description: spec.description,
    }));
}

const AGENT_ACTOR = ["commit.author", "commit.committer", "commit.co-author", "pr.author"] as const;
const AUTHOR_AND_PR = ["commit.author", "commit.co-author", "pr.author"] as const;
const MESSAGE_AND_BODY = ["commit.message", "pr.body"] as const;

/** Keywords naming a tool inside a disclosure trailer's value (`Assisted-by: Claude:claude-opus-4`). */
const DISCLOSURE_TOOLS: ReadonlyArray<{ tool: AiTool; words: string }> = [
  { tool: "claude-code", words: "claude" },
  { tool: "copilot", words: "copilot" },
  { tool: "cursor", words: "cursor" },
  { tool: "codex", words: "codex" },
  { tool: "gemini", words: "gemini" },
  { tool: "aider", words: "aider" },
  { tool: "devin", words: "devin" },
  { tool: "jules", words: "jules" },
  { tool: "amazon-q", words: "amazon[ -]?q|kiro" },
  { tool: "openhands", words: "openhands" },
  { tool: "amp", words: "amp|ampcode" },
  { tool: "opencode", words: "opencode" },
  { tool: "replit", words: "replit" },
];
const DISCLOSURE_KEYS = "(?:Assisted-by|Generated-by|Co-authored-by-AI):";
const DISCLOSURE_NAMED = DISCLOSURE_TOOLS.map((t) => t.words).join("|");

const disclosureRules: RuleInput[] = [
  ...DISCLOSURE_TOOLS.map(
    (t): RuleInput => ({
      id: `disclosure.${t.tool}`,
      tool: t.tool,
      confidence: "medium",
      subtype: "assisted",
      field: "commit.message",
      pattern: `^${DISCLOSURE_KEYS}[ \\t]*(?=[^:(\\n]*\\b(?:${t.words})\\b)[^\\n]*\\S`,
      description: `A disclosure trailer (Assisted-by / Generated-by / Co-authored-by-AI) whose value names ${t.tool}.`,
    }),
  ),
  {
    id: "disclosure.other",
    tool: "other-ai",
    confidence: "medium",
    subtype: "assisted",
    field: "commit.message",
    // Assisted-by in the kernel's AGENT:MODEL form, or any Co-authored-by-AI value, naming no known tool.
    pattern: `^(?:Assisted-by:[ \\t]*(?![^:(\\n]*\\b(?:${DISCLOSURE_NAMED})\\b)[^:\\n]+:\\S[^\\n]*|Co-authored-by-AI:[ \\t]*(?![^:(\\n]*\\b(?:${DISCLOSURE_NAMED})\\b)\\S[^\\n]*)`,
    description:
      "Assisted-by: AGENT:MODEL (Linux kernel, Fedora) or Co-authored-by-AI: naming an agent not otherwise known.",
  },
  {
    id: "disclosure.entire-checkpoint",
    tool: "other-ai",
    confidence: "medium",
    subtype: "assisted",
    field: "commit.message",
    pattern: "^Entire-Checkpoint:[ \\t]*\\S+",
    description: "Entire CLI checkpoint trailer: the commit was recorded from an agent session.",
  },
];

const aiRules: RuleInput[] = [
  // ---- Claude Code ----
  ...account({
    id: "claude-code.co-author",
    tool: "claude-code",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "noreply@anthropic.com" },
    fields: ["commit.co-author"],
    description:
      "Co-Authored-By: Claude[ <model>] <noreply@anthropic.com>, added by Claude Code; the vendor's noreply address is unique to the tool.",
  }),
  ...account({
    id: "claude-code.identity",
    tool: "claude-code",
    confidence: "high",
    subtype: "agent",
    identity: { email: "noreply@anthropic.com" },
    fields: ["commit.author", "commit.committer"],
    description:
      "Claude[ <model>] <noreply@anthropic.com> as the commit author or committer: Claude Code running as its own git identity (agents in CI, remote sessions).",
  }),
  ...pattern({
    id: "claude-code.footer",
    tool: "claude-code",
    confidence: "high",
    subtype: "assisted",
    pattern: "Generated with \\[Claude Code\\]\\(https://(?:claude\\.ai/code|claude\\.com/claude-code)/?\\)",
    fields: MESSAGE_AND_BODY,
    description:
      "The footer Claude Code writes into commits and PR bodies (a markdown link, not prose); anywhere on a line, as squash tools sometimes fold it into the subject.",
  }),
  ...pattern({
    id: "claude-code.session",
    tool: "claude-code",
    confidence: "high",
    subtype: "agent",
    pattern: "https://claude\\.ai/code/session_[A-Za-z0-9]+",
    fields: MESSAGE_AND_BODY,
    description:
      "Claude Code on the web: a session link (the Claude-Session trailer, a bare URL line, or a markdown link in a PR description squashed into the commit); only the web agent makes one.",
  }),
  ...pattern({
    id: "claude-code.web-branch",
    tool: "claude-code",
    confidence: "low",
    subtype: "agent",
    pattern:
      "^claude/[a-z0-9][a-z0-9-]*-(?:(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{5,6}|(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{20,32})$",
    fields: ["pr.head-ref"],
    description:
      "Claude Code on the web names branches claude/<slug>-<5 or 6 chars> (newer: claude/<slug>-<session id>, e.g. claude/slack-session-01GzKi42xM3SphuxeQ4De88U); a branch name is chosen, so a human can use it (low).",
  }),
  ...account({
    id: "claude-code.action",
    tool: "claude-code",
    confidence: "high",
    subtype: "agent",
    identity: { login: "claude[bot]" },
    fields: AGENT_ACTOR,
    description: "The Claude GitHub Action's account claude[bot] (209825114+claude[bot]@users.noreply.github.com).",
  }),
  ...pattern({
    id: "claude-code.action-branch",
    tool: "claude-code",
    confidence: "medium",
    subtype: "agent",
    pattern: "^claude/(?:issue|pr)-[0-9]+-[0-9]{8}-[0-9]{4}$",
    fields: ["pr.head-ref"],
    description: "The Claude GitHub Action's branch claude/issue-<N>-<YYYYMMDD-HHMM>: specific, but still only a name.",
  }),

  // ---- GitHub Copilot ----
  ...account({
    id: "copilot.agent",
    tool: "copilot",
    confidence: "high",
    subtype: "agent",
    identity: { email: "198982749+copilot@users.noreply.github.com" },
    fields: ["commit.author", "commit.committer", "commit.co-author"],
    description:
      "The Copilot coding agent's account (198982749+Copilot@users.noreply.github.com): author of its commits, co-author after a squash.",
  }),
  ...account({
    id: "copilot.agent.login",
    tool: "copilot",
    confidence: "high",
    subtype: "agent",
    identity: { login: "copilot" },
    fields: ["pr.author"],
    description: "A PR opened by the Copilot coding agent (login Copilot).",
  }),
  ...account({
    id: "copilot.agent.swe-login",
    tool: "copilot",
    confidence: "high",
    subtype: "agent",
    identity: { login: "copilot-swe-agent[bot]" },
    fields: AGENT_ACTOR,
    description: "The Copilot coding agent's app account copilot-swe-agent[bot].",
  }),
  ...pattern({
    id: "copilot.agent.logs-url",
    tool: "copilot",
    confidence: "high",
    subtype: "agent",
    pattern: "^Agent-Logs-Url:[ \\t]*https://github\\.com/[^/\\s]+/[^/\\s]+/sessions/[0-9a-f-]+",
    fields: ["commit.message"],
    description: "The Agent-Logs-Url trailer the Copilot coding agent adds to its commits.",
  }),
  ...pattern({
    id: "copilot.agent.pr-marker",
    tool: "copilot",
    confidence: "high",
    subtype: "agent",
    pattern: "<!-- START COPILOT (?:CODING AGENT SUFFIX|ORIGINAL PROMPT) -->",
    fields: ["pr.body"],
    description: "HTML markers the Copilot coding agent writes into its PR body.",
  }),
  ...pattern({
    id: "copilot.agent.branch",
    tool: "copilot",
    confidence: "medium",
    subtype: "agent",
    pattern: "^copilot/[a-z0-9][a-z0-9._-]*$",
    fields: ["pr.head-ref"],
    description: "Copilot coding agent branches copilot/<slug>: a name a person could pick (medium).",
  }),
  ...account({
    id: "copilot.review-suggestion",
    tool: "copilot",
    confidence: "high",
    subtype: "ai-suggested",
    identity: { email: "175728472+copilot@users.noreply.github.com" },
    fields: ["commit.co-author"],
    reviewSuggestion: true,
    description:
      "A Copilot review suggestion committed in review: the exact account proves AI code was committed (high); ai-suggested, usually a small share of the change.",
  }),
  ...account({
    id: "copilot.autofix",
    tool: "copilot",
    confidence: "high",
    subtype: "ai-suggested",
    identity: { name: "Copilot Autofix powered by AI" },
    fields: ["commit.co-author", "commit.author"],
    description: "Copilot Autofix (code scanning) co-author.",
  }),
  ...pattern({
    id: "copilot.autofix.subject",
    tool: "copilot",
    confidence: "medium",
    subtype: "ai-suggested",
    pattern: "^Potential fix for code scanning alert no\\. [0-9]+",
    fields: ["commit.message", "pr.title"],
    description: "The subject Copilot Autofix gives its fix commits and PRs: a subject anyone can type, medium.",
  }),
  ...account({
    id: "copilot.cli",
    tool: "copilot",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "223556219+copilot@users.noreply.github.com" },
    fields: ["commit.co-author"],
    description: "Copilot CLI / app co-author (223556219+Copilot@users.noreply.github.com).",
  }),
  ...pattern({
    id: "copilot.cli.session",
    tool: "copilot",
    confidence: "high",
    subtype: "assisted",
    pattern: "^Copilot-Session:[ \\t]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    fields: ["commit.message"],
    description: "The Copilot-Session trailer of Copilot CLI.",
  }),
  ...account({
    id: "copilot.vscode",
    tool: "copilot",
    confidence: "medium",
    subtype: "assisted",
    identity: { email: "copilot@github.com" },
    fields: ["commit.co-author"],
    description:
      "VS Code's git.addAICoAuthor trailer: vendor-specific, but reported on hand-written code too, so not high.",
  }),

  // ---- Cursor ----
  ...account({
    id: "cursor.agent",
    tool: "cursor",
    confidence: "high",
    subtype: "agent",
    identity: { email: "cursoragent@cursor.com" },
    fields: ["commit.author", "commit.committer"],
    description: "Cursor's cloud agent commits as Cursor Agent <cursoragent@cursor.com>.",
  }),
  ...account({
    id: "cursor.co-author",
    tool: "cursor",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "cursoragent@cursor.com" },
    fields: ["commit.co-author"],
    description: "Co-authored-by: Cursor <cursoragent@cursor.com>, added by Cursor.",
  }),
  ...pattern({
    id: "cursor.made-with",
    tool: "cursor",
    confidence: "high",
    subtype: "assisted",
    pattern: "^Made-with:[ \\t]*Cursor[ \\t]*$",
    fields: ["commit.message"],
    description: "The Made-with: Cursor trailer.",
  }),
  ...pattern({
    id: "cursor.branch",
    tool: "cursor",
    confidence: "medium",
    subtype: "agent",
    pattern: "^cursor/[a-z0-9][a-z0-9-]*-[0-9a-f]{4}$",
    fields: ["pr.head-ref"],
    description: "Cursor background agent branches cursor/<slug>-<4 hex>: a name, medium.",
  }),
  ...pattern({
    id: "cursor.pr-marker",
    tool: "cursor",
    confidence: "high",
    subtype: "agent",
    pattern: "<!-- CURSOR_AGENT_PR_BODY_BEGIN -->",
    fields: ["pr.body"],
    description: "The HTML marker Cursor's agent writes into its PR body.",
  }),
  ...pattern({
    id: "cursor.agent-link",
    tool: "cursor",
    confidence: "high",
    subtype: "agent",
    pattern: "https://(?:www\\.)?cursor\\.com/agents/bc-[A-Za-z0-9-]+",
    fields: MESSAGE_AND_BODY,
    description: "A link to a Cursor background-agent run (bc-<id>).",
  }),
  ...pattern({
    id: "cursor.made-with-link",
    tool: "cursor",
    confidence: "high",
    subtype: "assisted",
    pattern: "Made with \\[Cursor\\]\\(https://cursor\\.com/?\\)",
    fields: MESSAGE_AND_BODY,
    description: "The Made with [Cursor](https://cursor.com) footer.",
  }),
  ...account({
    id: "cursor.bugbot",
    tool: "cursor",
    confidence: "high",
    subtype: "ai-suggested",
    identity: { login: "cursor[bot]" },
    fields: AUTHOR_AND_PR,
    reviewSuggestion: true,
    description:
      "cursor[bot] is mostly the Bugbot reviewer: its commits are AI fixes committed from review (the exact account, high).",
  }),

  // ---- OpenAI Codex ----
  ...pattern({
    id: "codex.cloud.branch",
    tool: "codex",
    confidence: "medium",
    subtype: "agent",
    pattern: "^codex/[A-Za-z0-9][A-Za-z0-9._/-]*$",
    fields: ["pr.head-ref"],
    description: "Codex cloud opens PRs from codex/<slug> (commits carry no trailer); a branch name, medium.",
  }),
  ...pattern({
    id: "codex.cloud.task-link",
    tool: "codex",
    confidence: "high",
    subtype: "agent",
    pattern: "https://chatgpt\\.com/codex/tasks/task_[a-z]_[0-9a-f]{8,}",
    fields: MESSAGE_AND_BODY,
    description: "The Codex cloud task link that ends a Codex PR body.",
  }),
  ...pattern({
    id: "codex.label",
    tool: "codex",
    confidence: "low",
    subtype: "agent",
    pattern: "^codex$",
    fields: ["pr.label"],
    description: "A `codex` label (unverified; anyone can add a label).",
  }),
  ...account({
    id: "codex.connector",
    tool: "codex",
    confidence: "high",
    subtype: "agent",
    identity: { login: "chatgpt-codex-connector[bot]" },
    fields: AGENT_ACTOR,
    description: "The Codex connector app chatgpt-codex-connector[bot] (199175422+...).",
  }),
  ...account({
    id: "codex.cli.co-author",
    tool: "codex",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "noreply@openai.com" },
    fields: ["commit.co-author"],
    description: "Co-authored-by: Codex <noreply@openai.com> (Codex CLI, opt-in).",
  }),
  ...account({
    id: "codex.agents-md.co-author",
    tool: "codex",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "codex@openai.com" },
    fields: ["commit.co-author", "commit.author"],
    description: "Codex <codex@openai.com>, common through AGENTS.md instructions.",
  }),

  // ---- Aider ----
  ...pattern({
    id: "aider.author-suffix",
    tool: "aider",
    confidence: "high",
    subtype: "assisted",
    pattern: "^[^<]*\\S \\(aider\\) <",
    fields: ["commit.author"],
    description:
      "Aider appends (aider) to the AUTHOR name of commits it wrote. On the committer only it means the user's own change committed through aider: not AI.",
  }),
  ...pattern({
    id: "aider.subject-prefix",
    tool: "aider",
    confidence: "high",
    subtype: "assisted",
    pattern: "^aider: \\S",
    fields: ["commit.message"],
    description: "The opt-in `aider: ` subject prefix.",
  }),
  ...["aider@aider.chat", "noreply@aider.chat", "noreply@aider.dev"].flatMap((email, i) =>
    account({
      id: i === 0 ? "aider.co-author" : `aider.co-author-legacy-${i}`,
      tool: "aider",
      confidence: "high",
      subtype: "assisted",
      identity: { email },
      fields: ["commit.co-author"],
      description: `Co-authored-by: aider (<model>) <${email}>.`,
    }),
  ),

  // ---- Devin ----
  ...account({
    id: "devin.account",
    tool: "devin",
    confidence: "high",
    subtype: "agent",
    identity: { login: "devin-ai-integration[bot]" },
    fields: AGENT_ACTOR,
    description: "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>.",
  }),
  ...pattern({
    id: "devin.footer",
    tool: "devin",
    confidence: "high",
    subtype: "agent",
    pattern: "Generated with \\[Devin\\]\\(https://devin\\.ai/?\\)",
    fields: MESSAGE_AND_BODY,
    description: "The Generated with [Devin](https://devin.ai) footer.",
  }),
  ...pattern({
    id: "devin.run-link",
    tool: "devin",
    confidence: "high",
    subtype: "agent",
    pattern: "Link to Devin run:[ \\t]*https://app\\.devin\\.ai/sessions/[0-9a-f]+",
    fields: MESSAGE_AND_BODY,
    description: "The Link to Devin run line of a Devin PR body.",
  }),
  ...pattern({
    id: "devin.branch",
    tool: "devin",
    confidence: "medium",
    subtype: "agent",
    pattern: "^devin/(?:[0-9]{10}-[a-z0-9][a-z0-9-]*|[A-Za-z0-9][A-Za-z0-9-]*_[0-9]{6}_[0-9]{4})$",
    fields: ["pr.head-ref"],
    description:
      "Devin's branch forms devin/<epoch>-<slug> and devin/<slug>_<YYMMDD_HHMM>; a plain devin/<slug> is a person named Devin. A branch name anyone can type: medium.",
  }),

  // ---- Jules ----
  ...account({
    id: "jules.account",
    tool: "jules",
    confidence: "high",
    subtype: "agent",
    identity: { login: "google-labs-jules[bot]" },
    fields: AGENT_ACTOR,
    description: "Google's Jules agent account google-labs-jules[bot].",
  }),
  ...pattern({
    id: "jules.branch",
    tool: "jules",
    confidence: "medium",
    subtype: "agent",
    pattern: "^jules_wip_[0-9]+$",
    fields: ["pr.head-ref"],
    description: "Jules's work branch jules_wip_<digits>: a branch name anyone can type, medium.",
  }),
  ...pattern({
    id: "jules.task-link",
    tool: "jules",
    confidence: "high",
    subtype: "agent",
    pattern: "https://jules\\.google\\.com/task/[A-Za-z0-9]+",
    fields: MESSAGE_AND_BODY,
    description: "PR created automatically by Jules for task [..](https://jules.google.com/task/<id>).",
  }),

  // ---- Gemini ----
  ...account({
    id: "gemini.code-assist",
    tool: "gemini",
    confidence: "high",
    subtype: "ai-suggested",
    identity: { login: "gemini-code-assist[bot]" },
    fields: ["commit.co-author", "commit.author"],
    reviewSuggestion: true,
    description:
      "gemini-code-assist[bot]: a Gemini review suggestion committed (AI-suggested; the exact account, high).",
  }),
  ...pattern({
    id: "gemini.co-author-name",
    tool: "gemini",
    confidence: "low",
    subtype: "assisted",
    pattern: "^Gemini(?: [A-Za-z0-9 .-]+)? <",
    fields: ["commit.co-author"],
    description:
      "Gemini CLI adds no trailer; users write Co-Authored-By: Gemini <noreply@google.com> by hand: a generic name, low.",
  }),

  // ---- Amazon Q / Kiro ----
  ...account({
    id: "amazon-q.account",
    tool: "amazon-q",
    confidence: "medium",
    subtype: "agent",
    identity: { login: "amazon-q-developer[bot]" },
    fields: AUTHOR_AND_PR,
    description: "amazon-q-developer[bot] (mostly reviews).",
  }),
  ...account({
    id: "amazon-q.kiro",
    tool: "amazon-q",
    confidence: "medium",
    subtype: "agent",
    identity: { login: "kiro-agent[bot]" },
    fields: AUTHOR_AND_PR,
    description: "kiro-agent[bot] (unverified in commits).",
  }),
  ...pattern({
    id: "amazon-q.kiro-link",
    tool: "amazon-q",
    confidence: "medium",
    subtype: "agent",
    pattern: "https://app\\.kiro\\.dev/session/[A-Za-z0-9-]+",
    fields: MESSAGE_AND_BODY,
    description: "An app.kiro.dev/session/ link (unverified in commits).",
  }),

  // ---- OpenHands ----
  ...account({
    id: "openhands.identity",
    tool: "openhands",
    confidence: "high",
    subtype: "agent",
    identity: { email: "openhands@all-hands.dev" },
    fields: ["commit.author", "commit.committer", "commit.co-author"],
    description: "openhands <openhands@all-hands.dev> as author or co-author.",
  }),
  ...account({
    id: "openhands.identity-legacy",
    tool: "openhands",
    confidence: "high",
    subtype: "agent",
    identity: { email: "opendevin@all-hands.dev" },
    fields: ["commit.author", "commit.committer", "commit.co-author"],
    description:
      "OpenHands <opendevin@all-hands.dev>: the resolver's identity before the rename (author of its fix PRs).",
  }),
  ...account({
    id: "openhands.account",
    tool: "openhands",
    confidence: "high",
    subtype: "agent",
    identity: { login: "openhands-agent" },
    fields: AUTHOR_AND_PR,
    description: "The openhands-agent GitHub account.",
  }),
  ...pattern({
    id: "openhands.branch",
    tool: "openhands",
    confidence: "medium",
    subtype: "agent",
    pattern: "^openhands-fix-issue-[0-9]+",
    fields: ["pr.head-ref"],
    description: "The OpenHands resolver's branch openhands-fix-issue-<N>: a branch name anyone can type, medium.",
  }),

  // ---- Amp ----
  ...pattern({
    id: "amp.thread",
    tool: "amp",
    confidence: "high",
    subtype: "assisted",
    pattern: "https://ampcode\\.com/threads/T-[0-9a-f-]{8,}",
    fields: MESSAGE_AND_BODY,
    description:
      "An Amp thread link: the Amp-Thread-ID trailer, or the bare thread link projects that require AI disclosure put in the body (ghostty).",
  }),
  ...account({
    id: "amp.co-author",
    tool: "amp",
    confidence: "high",
    subtype: "assisted",
    identity: { email: "amp@ampcode.com" },
    fields: ["commit.co-author"],
    description: "Co-authored-by: Amp <amp@ampcode.com>.",
  }),
  ...account({
    id: "amp.identity",
    tool: "amp",
    confidence: "high",
    subtype: "agent",
    identity: { email: "amp@ampcode.com" },
    fields: ["commit.author", "commit.committer"],
    description: "Amp <amp@ampcode.com> as the commit author (Amp committing itself, the person as co-author).",
  }),

  // ---- Factory ----
  ...account({
    id: "factory.droid",
    tool: "factory",
    confidence: "high",
    subtype: "agent",
    identity: { login: "factory-droid[bot]" },
    fields: AGENT_ACTOR,
    description: "Factory's factory-droid[bot].",
  }),

  // ---- Sweep ----
  ...account({
    id: "sweep.account",
    tool: "sweep",
    confidence: "high",
    subtype: "agent",
    identity: { login: "sweep-ai[bot]" },
    fields: AGENT_ACTOR,
    description: "sweep-ai[bot].",
  }),
  ...account({
    id: "sweep.nightly",
    tool: "sweep",
    confidence: "high",
    subtype: "agent",
    identity: { login: "sweep-nightly[bot]" },
    fields: AGENT_ACTOR,
    description: "sweep-nightly[bot], Sweep's second agent app (its own repository's PRs).",
  }),
  ...account({
    id: "sweep.nightly-name",
    tool: "sweep",
    confidence: "high",
    subtype: "agent",
    identity: { name: "sweep-nightly[bot]" },
    fields: ["commit.author", "commit.committer", "commit.co-author"],
    description: "sweep-nightly[bot] as a git name (its older commits use a 324098+sweep-nightly noreply address).",
  }),
  ...pattern({
    id: "sweep.branch",
    tool: "sweep",
    confidence: "medium",
    subtype: "agent",
    pattern: "^sweep/[A-Za-z0-9][A-Za-z0-9._/-]*$",
    fields: ["pr.head-ref"],
    description: "Sweep opens PRs from sweep/<slug> (also in merge subjects); a branch name, medium.",
  }),
  ...pattern({
    id: "sweep.rules-title",
    tool: "sweep",
    confidence: "medium",
    subtype: "agent",
    pattern: "^\\[Sweep Rules\\]",
    fields: ["pr.title"],
    description: "Sweep's [Sweep Rules] PR titles: a title anyone can type, medium.",
  }),

  // ---- Replit ----
  ...pattern({
    id: "replit.agent",
    tool: "replit",
    confidence: "high",
    subtype: "agent",
    pattern: "^Replit-Commit-Author:[ \\t]*(?:Agent|Assistant)[ \\t]*$",
    fields: ["commit.message"],
    description: "Replit-Commit-Author: Agent or Assistant (Deployment is not AI).",
  }),

  // ---- opencode and smaller agents (medium: logins seen, markers rarely verified) ----
  ...account({
    id: "opencode.account",
    tool: "opencode",
    confidence: "medium",
    subtype: "agent",
    identity: { login: "opencode-agent[bot]" },
    fields: AGENT_ACTOR,
    description: "opencode-agent[bot].",
  }),
  ...pattern({
    id: "opencode.footer",
    tool: "opencode",
    confidence: "medium",
    subtype: "assisted",
    pattern: "^(?:🤖[ \\t]*)?Generated with \\[opencode\\]\\(https://opencode\\.ai/?\\)",
    fields: MESSAGE_AND_BODY,
    description: "The Generated with [opencode](https://opencode.ai) footer.",
  }),
  ...account({
    id: "other-ai.roomote-identity",
    tool: "other-ai",
    confidence: "high",
    subtype: "agent",
    identity: { email: "roomote@roocode.com" },
    fields: ["commit.author", "commit.committer", "commit.co-author"],
    description: "Roo Code <roomote@roocode.com>: Roo Code's cloud agent as git identity.",
  }),
  ...["open-swe[bot]", "open-swe-dev[bot]"].flatMap((login) => [
    ...account({
      id: `other-ai.${login.replace("[bot]", "")}`,
      tool: "other-ai",
      confidence: "high",
      subtype: "agent",
      identity: { login },
      fields: AGENT_ACTOR,
      description: `${login}: LangChain's Open SWE coding agent (its PRs say "Opened collaboratively by <person> and open-swe").`,
    }),
    ...account({
      id: `other-ai.${login.replace("[bot]", "")}-name`,
      tool: "other-ai",
      confidence: "high",
      subtype: "agent",
      identity: { name: login },
      fields: ["commit.author", "commit.committer", "commit.co-author"],
      description: `${login} as a git name (its co-author lines use a login@users.noreply.github.com address without [bot]).`,
    }),
  ]),
  ...account({
    id: "other-ai.continue",
    tool: "other-ai",
    confidence: "high",
    subtype: "agent",
    identity: { login: "continue[bot]" },
    fields: AGENT_ACTOR,
    description: "continue[bot]: Continue's cloud agent account (its commits carry the Continue footer).",
  }),
  ...["noreply@continue.dev", "agent@continue.dev"].flatMap((email, i) =>
    account({
      id: i === 0 ? "other-ai.continue-identity" : "other-ai.continue-agent-identity",
      tool: "other-ai",
      confidence: "high",
      subtype: "assisted",
      identity: { email },
      fields: ["commit.author", "commit.committer", "commit.co-author"],
      description: `Continue's git identity <${email}> (Continue CLI / agent).`,
    }),
  ),
  ...pattern({
    id: "other-ai.continue-footer",
    tool: "other-ai",
    confidence: "high",
    subtype: "assisted",
    pattern: "Generated with \\[Continue\\]\\(https://(?:www\\.)?continue\\.dev/?\\)",
    fields: MESSAGE_AND_BODY,
    description: "The Generated with [Continue](https://continue.dev) footer.",
  }),
  ...[
    ["ellipsis-dev[bot]", "Ellipsis"],
    ["cubic-dev-ai[bot]", "cubic"],
    ["greptile-apps[bot]", "Greptile"],
    ["coderabbitai[bot]", "CodeRabbit"],
  ].flatMap(([login, name]) =>
    account({
      id: `other-ai.review.${(login ?? "").replace("[bot]", "")}`,
      tool: "other-ai",
      confidence: "high",
      subtype: "ai-suggested",
      identity: { login: login ?? "" },
      fields: AUTHOR_AND_PR,
      reviewSuggestion: true,
      description: `${login}: ${name}'s AI review suggestion committed (co-author after "Commit suggestion", or author of its fix commits).`,
    }),
  ),
  ...["codegen-sh[bot]", "tembo[bot]", "mentatbot[bot]", "roomote[bot]"].flatMap((login) =>
    account({
      id: `other-ai.${login.replace("[bot]", "")}`,
      tool: "other-ai",
      confidence: "medium",
      subtype: "agent",
      identity: { login },
      fields: AGENT_ACTOR,
      description: `The ${login} agent account (Codegen, Tembo, Mentat, Roo).`,
    }),
  ),

  // ---- Generic co-author names (low: user-chosen identities with non-vendor emails) ----
  ...pattern({
    id: "claude-code.co-author-name",
    tool: "claude-code",
    confidence: "low",
    subtype: "assisted",
    pattern: "^Claude(?: (?:Code|Opus|Sonnet|Haiku)[A-Za-z0-9 .()-]*)? <(?!noreply@anthropic\\.com>)",
    fields: ["commit.co-author"],
    description: "A co-author named Claude [model] with a non-vendor email: could be a person named Claude (low).",
  }),
  ...pattern({
    id: "other-ai.co-author-name",
    tool: "other-ai",
    confidence: "low",
    subtype: "assisted",
    pattern:
      "^(?:Windsurf|Cascade|Cline|Zed(?: AI)?|Roo(?: Code)?|Kilo(?: Code)?|Junie|Tabnine|Qodo|Augment(?: Code)?|ChatGPT|GPT-[0-9][A-Za-z0-9.-]*)(?: \\([^)]*\\))? <",
    fields: ["commit.co-author"],
    description: "Windsurf, Cline, Zed and friends have no built-in marker; users pick names like these (low).",
  }),
  ...disclosureRules,
];

const botRules: RuleInput[] = [
  ...bot({ id: "dependabot", identity: { login: "dependabot[bot]" }, description: "Dependabot." }),
  ...bot({
    id: "dependabot-preview",
    identity: { login: "dependabot-preview[bot]" },
    description: "Dependabot (legacy).",
  }),
  ...bot({ id: "renovate", identity: { login: "renovate[bot]" }, description: "Renovate (app)." }),
  ...bot({ id: "renovate-bot", identity: { login: "renovate-bot" }, description: "Renovate (self-hosted account)." }),
  ...bot({
    id: "renovate-email",
    identity: { email: "bot@renovateapp.com" },
    description: "Renovate's git identity.",
  }),
  ...bot({
    id: "github-actions",
    identity: { login: "github-actions[bot]" },
    dualUse: true,
    description: "github-actions[bot]: workflows do both kinds of work; AI only with a message marker.",
  }),
  ...bot({
    id: "github-actions-email",
    identity: { email: "actions@github.com" },
    dualUse: true,
    description: "GitHub Actions <actions@github.com>.",
  }),
  ...bot({
    id: "github-action-email",
    identity: { email: "action@github.com" },
    dualUse: true,
    description: "GitHub Action <action@github.com> (the singular form many workflows configure).",
  }),
  ...bot({
    id: "github-actions-email-legacy",
    identity: { email: "github-actions@github.com" },
    dualUse: true,
    description: "github-actions <github-actions@github.com>.",
  }),
  ...bot({
    id: "gemini-cli",
    identity: { login: "gemini-cli[bot]" },
    dualUse: true,
    description: "gemini-cli[bot] runs both triage automation and Gemini CLI: AI only with a marker.",
  }),
  ...bot({ id: "pre-commit-ci", identity: { login: "pre-commit-ci[bot]" }, description: "pre-commit.ci autofixes." }),
  ...bot({
    id: "semantic-release",
    identity: { login: "semantic-release-bot" },
    description: "semantic-release's account.",
  }),
  ...bot({
    id: "semantic-release-email",
    identity: { email: "semantic-release-bot@martynus.net" },
    description: "semantic-release's git identity.",
  }),
  ...bot({ id: "allcontributors", identity: { login: "allcontributors[bot]" }, description: "All Contributors." }),
  ...bot({ id: "autofix-ci", identity: { login: "autofix-ci[bot]" }, description: "autofix.ci formatting fixes." }),
  ...bot({ id: "release-please", identity: { login: "release-please[bot]" }, description: "release-please." }),
  ...bot({ id: "changeset-bot", identity: { login: "changeset-bot[bot]" }, description: "Changesets." }),
  ...bot({ id: "mergify", identity: { login: "mergify[bot]" }, description: "Mergify." }),
  ...bot({ id: "imgbot", identity: { login: "imgbot[bot]" }, description: "ImgBot." }),
  ...bot({
    id: "imgbotapp",
    identity: { name: "ImgBotApp", email: "imgbotapp@gmail.com" },
    description: "ImgBot's git identity.",
  }),
  ...bot({ id: "snyk", identity: { login: "snyk-bot" }, description: "Snyk fix PRs." }),
  ...bot({ id: "snyk-email", identity: { email: "snyk-bot@snyk.io" }, description: "Snyk's git identity." }),
  ...bot({ id: "greenkeeper", identity: { login: "greenkeeper[bot]" }, description: "Greenkeeper." }),
  ...bot({ id: "depfu", identity: { login: "depfu[bot]" }, description: "Depfu." }),
  ...bot({ id: "pyup", identity: { login: "pyup-bot" }, description: "PyUp." }),
  ...bot({ id: "stale", identity: { login: "stale[bot]" }, description: "Stale." }),
  ...bot({ id: "weblate", identity: { email: "hosted@weblate.org" }, description: "Hosted Weblate translations." }),
  ...bot({ id: "crowdin", identity: { login: "crowdin-bot" }, description: "Crowdin translations." }),
  ...bot({ id: "transifex", identity: { login: "transifex-integration[bot]" }, description: "Transifex." }),
  ...bot({ id: "copybara", identity: { login: "copybara-service[bot]" }, description: "Copybara exports." }),
  ...bot({
    id: "copybara-email",
    identity: { email: "copybara-worker@google.com" },
    description: "Copybara-Service <copybara-worker@google.com> (Google's export robot).",
  }),
  ...bot({ id: "bors", identity: { login: "bors[bot]" }, description: "bors merge bot." }),
  ...bot({ id: "k8s-ci-robot", identity: { login: "k8s-ci-robot" }, description: "Kubernetes Prow." }),
  ...bot({ id: "goreleaser", identity: { login: "goreleaserbot" }, description: "GoReleaser." }),
  ...bot({
    id: "goreleaser-email",
    identity: { email: "bot@goreleaser.com" },
    description: "GoReleaser's git identity.",
  }),
  ...bot({ id: "release-drafter", identity: { login: "release-drafter[bot]" }, description: "Release Drafter." }),
];

/** The built-in rules as written (validated and defaulted by `compileRules`). */
export const BUILTIN_RULES: readonly RuleInput[] = [...aiRules, ...botRules];
