import type { AiTool, Confidence, VerdictClass, VerdictSubtype } from "@yardstick/core";
import type { Prng } from "./prng.js";

/**
 * The forms AI-assisted (and deliberately confusing human) work takes in real repositories, as
 * catalogued in shared/ATTRIBUTION.md. Each form says how the generator decorates a pull request
 * and its commits, and what the ground truth is.
 */

export interface Ident {
  name: string;
  email: string;
  login: string | null;
}

export interface Account {
  login: string;
  id: number;
  kind: "bot" | "ai-agent";
  name: string | null;
  email: string;
}

export const BOT_ACCOUNTS = {
  dependabot: {
    login: "dependabot[bot]",
    id: 49699333,
    kind: "bot",
    name: null,
    email: "49699333+dependabot[bot]@users.noreply.github.com",
  },
  renovate: {
    login: "renovate[bot]",
    id: 29139614,
    kind: "bot",
    name: null,
    email: "29139614+renovate[bot]@users.noreply.github.com",
  },
  actions: {
    login: "github-actions[bot]",
    id: 41898282,
    kind: "bot",
    name: null,
    email: "41898282+github-actions[bot]@users.noreply.github.com",
  },
  copilot: {
    login: "Copilot",
    id: 198982749,
    kind: "ai-agent",
    name: "Copilot",
    email: "198982749+Copilot@users.noreply.github.com",
  },
  claude: {
    login: "claude[bot]",
    id: 209825114,
    kind: "ai-agent",
    name: null,
    email: "209825114+claude[bot]@users.noreply.github.com",
  },
  devin: {
    login: "devin-ai-integration[bot]",
    id: 158243242,
    kind: "ai-agent",
    name: null,
    email: "158243242+devin-ai-integration[bot]@users.noreply.github.com",
  },
  jules: {
    login: "google-labs-jules[bot]",
    id: 161369871,
    kind: "ai-agent",
    name: null,
    email: "161369871+google-labs-jules[bot]@users.noreply.github.com",
  },
  codex: {
    login: "chatgpt-codex-connector[bot]",
    id: 199175422,
    kind: "ai-agent",
    name: null,
    email: "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com",
  },
  gemini: {
    login: "gemini-code-assist[bot]",
    id: 176961590,
    kind: "ai-agent",
    name: null,
    email: "176961590+gemini-code-assist[bot]@users.noreply.github.com",
  },
  factory: {
    login: "factory-droid[bot]",
    id: 138933559,
    kind: "ai-agent",
    name: null,
    email: "138933559+factory-droid[bot]@users.noreply.github.com",
  },
  sweep: {
    login: "sweep-ai[bot]",
    id: 128439645,
    kind: "ai-agent",
    name: null,
    email: "128439645+sweep-ai[bot]@users.noreply.github.com",
  },
} as const satisfies Record<string, Account>;

export function accountIdent(a: Account): Ident {
  return { name: a.name ?? a.login, email: a.email, login: a.login };
}

/** What a form does to a pull request. Fields left undefined keep the plain human defaults. */
export interface FormSpec {
  form: string;
  class: VerdictClass;
  tools: AiTool[];
  subtype: VerdictSubtype | null;
  observable: boolean;
  /** Strongest confidence of the markers it carries (ATTRIBUTION.md), null for none. */
  markerConfidence: Confidence | null;
  hardNegative: string | null;
  /** PR opened by this account instead of the human. */
  prAuthor?: Account;
  headRef?: string;
  title?: string;
  /** Appended to the PR body. */
  body?: string;
  labels?: string[];
  /** Author (and committer) of the PR's commits, instead of the human. */
  commitAuthor?: Ident;
  commitCommitter?: Ident;
  /** Trailers on every commit. */
  trailers?: string[];
  /** Trailers on the last commit only (accepted review suggestions). */
  lastTrailers?: string[];
  /** A footer line before the trailers of every commit. */
  footer?: string;
  subjectPrefix?: string;
  /** The first commit is the agent's empty `Initial plan`. */
  initialPlan?: boolean;
  /** The human is assigned and asked to review (agent PRs). */
  assignHuman?: boolean;
  /** Tiny change (<= 5 lines). */
  small?: boolean;
}

export interface FormContext {
  rng: Prng;
  human: Ident & { login: string };
  org: string;
  repo: string;
  title: string;
  slug: string;
  /** PR creation, epoch seconds. */
  createdAt: number;
}

const CLAUDE_MODELS = ["Claude Opus 4.5", "Claude Sonnet 4.5", "Claude Sonnet 4.5 (1M context)", "Claude Opus 4.1"];
const AIDER_MODELS = ["anthropic/claude-sonnet-4-5", "gpt-5", "deepseek/deepseek-chat"];

function coAuthor(i: Ident): string {
  return `Co-authored-by: ${i.name} <${i.email}>`;
}

function stamp(t: number): { ymd: string; hm: string; yymmdd: string } {
  const iso = new Date(t * 1000).toISOString();
  return {
    ymd: iso.slice(0, 10).replaceAll("-", ""),
    hm: iso.slice(11, 16).replace(":", ""),
    yymmdd: iso.slice(2, 10).replaceAll("-", ""),
  };
}

type FormBuilder = (c: FormContext) => Omit<
  FormSpec,
  "form" | "class" | "observable" | "hardNegative" | "markerConfidence"
> & {
  observable?: boolean;
};

/**
 * Forms whose strongest marker is below high confidence in ATTRIBUTION.md. Review bots'
 * committed suggestions (copilot.review-suggestion, gemini.suggestion) are high since the
 * 2026.12 policy (docs/attribution.md, "AI review suggestions"): the exact account proves AI
 * code was committed.
 */
const MARKER_CONFIDENCE: Record<string, Confidence> = {
  "claude-code.assisted-by": "medium",
  "copilot.vscode": "medium",
  "gemini.cli-trailer": "low",
  "opencode.footer": "medium",
};

const ai = (tools: AiTool[], subtype: VerdictSubtype, rest: Partial<FormSpec> = {}) => ({ tools, subtype, ...rest });

/** AI forms by id. */
export const AI_FORMS: Record<string, FormBuilder> = {
  "claude-code.trailer": () =>
    ai(["claude-code"], "assisted", {
      trailers: ["Co-Authored-By: Claude <noreply@anthropic.com>"],
      footer: "🤖 Generated with [Claude Code](https://claude.ai/code)",
      body: "🤖 Generated with [Claude Code](https://claude.ai/code)",
    }),
  "claude-code.model-trailer": (c) =>
    ai(["claude-code"], "assisted", {
      trailers: [`Co-Authored-By: ${c.rng.pick(CLAUDE_MODELS)} <noreply@anthropic.com>`],
      footer: "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    }),
  "claude-code.footer-only": () =>
    ai(["claude-code"], "assisted", { body: "🤖 Generated with [Claude Code](https://claude.com/claude-code)" }),
  "claude-code.web": (c) =>
    ai(["claude-code"], "agent", {
      headRef: `claude/${c.slug}-${c.rng.hex(6)}`,
      trailers: [`Claude-Session: https://claude.ai/code/session_${c.rng.hex(24)}`],
    }),
  "claude-code.action": (c) => {
    const s = stamp(c.createdAt);
    return ai(["claude-code"], "agent", {
      headRef: `claude/issue-${c.rng.int(10, 4000)}-${s.ymd}-${s.hm}`,
      commitAuthor: accountIdent(BOT_ACCOUNTS.claude),
      trailers: [coAuthor(c.human)],
    });
  },
  "claude-code.assisted-by": () =>
    ai(["claude-code"], "assisted", { trailers: ["Assisted-by: Claude:claude-sonnet-4-5"] }),
  "copilot.agent": (c) =>
    ai(["copilot"], "agent", {
      prAuthor: BOT_ACCOUNTS.copilot,
      headRef: `copilot/${c.slug}`,
      commitAuthor: accountIdent(BOT_ACCOUNTS.copilot),
      trailers: [coAuthor(c.human), `Agent-Logs-Url: https://github.com/${c.org}/${c.repo}/sessions/${c.rng.uuid()}`],
      initialPlan: true,
      assignHuman: true,
      body: `<!-- START COPILOT ORIGINAL PROMPT -->\n\n${c.title}\n\n<!-- END COPILOT ORIGINAL PROMPT -->\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\n\nCreated from [a request by @${c.human.login}](https://github.com/${c.org}/${c.repo}/issues/${c.rng.int(1, 900)})\n\n<!-- END COPILOT CODING AGENT SUFFIX -->`,
    }),
  "copilot.review-suggestion": () =>
    ai(["copilot"], "ai-suggested", {
      lastTrailers: ["Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"],
    }),
  "copilot.autofix": (c) =>
    ai(["copilot"], "assisted", {
      title: `Potential fix for code scanning alert no. ${c.rng.int(1, 300)}: ${c.rng.pick(["Incomplete URL substring sanitization", "Uncontrolled data used in path expression", "Missing rate limiting"])}`,
      trailers: [
        "Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>",
      ],
      small: true,
    }),
  "copilot.cli": (c) =>
    ai(["copilot"], "assisted", {
      trailers: [
        "Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>",
        `Copilot-Session: ${c.rng.uuid()}`,
      ],
    }),
  "copilot.vscode": () => ai(["copilot"], "assisted", { trailers: ["Co-authored-by: Copilot <copilot@github.com>"] }),
  "cursor.trailer": () => ai(["cursor"], "assisted", { trailers: ["Co-authored-by: Cursor <cursoragent@cursor.com>"] }),
  "cursor.made-with": () =>
    ai(["cursor"], "assisted", { trailers: ["Made-with: Cursor"], body: "Made with [Cursor](https://cursor.com)" }),
  "cursor.agent": (c) => {
    const id = `bc-${c.rng.uuid()}`;
    return ai(["cursor"], "agent", {
      headRef: `cursor/${c.slug}-${c.rng.hex(4)}`,
      commitAuthor: { name: "Cursor Agent", email: "cursoragent@cursor.com", login: null },
      trailers: [coAuthor(c.human)],
      body: `<!-- CURSOR_AGENT_PR_BODY_BEGIN -->\n${c.title}.\n<!-- CURSOR_AGENT_PR_BODY_END -->\n\n<a href="https://cursor.com/agents/${id}">Open in Cursor</a>`,
    });
  },
  "codex.cloud": (c) =>
    ai(["codex"], "agent", {
      headRef: `codex/${c.slug}`,
      labels: c.rng.chance(0.5) ? ["codex"] : [],
      body: `## Summary\n- ${c.title}\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_${c.rng.hex(32)}`,
    }),
  "codex.connector": () => ai(["codex"], "assisted", { trailers: [coAuthor(accountIdent(BOT_ACCOUNTS.codex))] }),
  "codex.cli": (c) =>
    ai(["codex"], "assisted", {
      trailers: [
        c.rng.chance(0.5) ? "Co-authored-by: Codex <noreply@openai.com>" : "Co-authored-by: Codex <codex@openai.com>",
      ],
    }),
  "aider.author": (c) => ai(["aider"], "assisted", { commitAuthor: { ...c.human, name: `${c.human.name} (aider)` } }),
  "aider.trailer": (c) =>
    ai(["aider"], "assisted", {
      subjectPrefix: "aider: ",
      trailers: [`Co-authored-by: aider (${c.rng.pick(AIDER_MODELS)}) <aider@aider.chat>`],
    }),
  "devin.agent": (c) => {
    const s = stamp(c.createdAt);
    return ai(["devin"], "agent", {
      prAuthor: BOT_ACCOUNTS.devin,
      headRef: c.rng.chance(0.5) ? `devin/${c.createdAt}-${c.slug}` : `devin/${c.slug}_${s.yymmdd}_${s.hm}`,
      commitAuthor: { name: "Devin AI", email: BOT_ACCOUNTS.devin.email, login: BOT_ACCOUNTS.devin.login },
      trailers: [`Co-Authored-By: ${c.human.name} <${c.human.email}>`],
      footer: "Generated with [Devin](https://devin.ai)",
      body: `Link to Devin run: https://app.devin.ai/sessions/${c.rng.hex(32)}\nRequested by: ${c.human.name} (@${c.human.login})`,
      assignHuman: true,
    });
  },
  "jules.agent": (c) => {
    const task = String(c.rng.int(1e15, 9e15));
    return ai(["jules"], "agent", {
      prAuthor: BOT_ACCOUNTS.jules,
      headRef: `jules_wip_${c.rng.int(1e8, 9e8)}`,
      commitAuthor: accountIdent(BOT_ACCOUNTS.jules),
      body: `PR created automatically by Jules for task [${task}](https://jules.google.com/task/${task}) started by @${c.human.login}`,
      assignHuman: true,
    });
  },
  "gemini.suggestion": () =>
    ai(["gemini"], "ai-suggested", { lastTrailers: [coAuthor(accountIdent(BOT_ACCOUNTS.gemini))] }),
  "gemini.cli-trailer": () => ai(["gemini"], "assisted", { trailers: ["Co-Authored-By: Gemini <noreply@google.com>"] }),
  "amp.trailers": (c) =>
    ai(["amp"], "assisted", {
      trailers: [
        `Amp-Thread-ID: https://ampcode.com/threads/T-${c.rng.uuid()}`,
        "Co-authored-by: Amp <amp@ampcode.com>",
      ],
    }),
  "openhands.agent": (c) =>
    ai(["openhands"], "agent", {
      headRef: `openhands-fix-issue-${c.rng.int(1, 2000)}`,
      commitAuthor: { name: "openhands", email: "openhands@all-hands.dev", login: null },
      trailers: [coAuthor(c.human)],
    }),
  "factory.droid": () => ai(["factory"], "assisted", { trailers: [coAuthor(accountIdent(BOT_ACCOUNTS.factory))] }),
  "replit.agent": (c) =>
    ai(["replit"], "assisted", { trailers: [`Replit-Commit-Author: ${c.rng.pick(["Agent", "Assistant"])}`] }),
  "sweep.agent": (c) =>
    ai(["sweep"], "agent", {
      prAuthor: BOT_ACCOUNTS.sweep,
      title: `[Sweep Rules] ${c.title}`,
      headRef: `sweep/${c.slug}`,
      commitAuthor: accountIdent(BOT_ACCOUNTS.sweep),
      assignHuman: true,
    }),
  "opencode.footer": () =>
    ai(["opencode"], "assisted", {
      footer: "🤖 Generated with [opencode](https://opencode.ai)",
      trailers: ["Co-Authored-By: opencode <noreply@opencode.ai>"],
    }),
  "multi.claude-cursor": () =>
    ai(["claude-code", "cursor"], "assisted", {
      trailers: ["Co-Authored-By: Claude <noreply@anthropic.com>", "Co-authored-by: Cursor <cursoragent@cursor.com>"],
    }),
};

/** Which forms a person who prefers a tool uses, with weights. */
export const FORMS_BY_TOOL: Record<string, readonly (readonly [string, number])[]> = {
  "claude-code": [
    ["claude-code.trailer", 5],
    ["claude-code.model-trailer", 4],
    ["claude-code.footer-only", 1],
    ["claude-code.web", 2],
    ["claude-code.action", 1],
    ["claude-code.assisted-by", 0.3],
    ["multi.claude-cursor", 0.3],
  ],
  copilot: [
    ["copilot.agent", 4],
    ["copilot.review-suggestion", 2],
    ["copilot.autofix", 0.5],
    ["copilot.cli", 1],
    ["copilot.vscode", 1],
  ],
  cursor: [
    ["cursor.trailer", 4],
    ["cursor.made-with", 2],
    ["cursor.agent", 2],
  ],
  codex: [
    ["codex.cloud", 4],
    ["codex.connector", 1],
    ["codex.cli", 2],
  ],
  aider: [
    ["aider.author", 2],
    ["aider.trailer", 1],
  ],
  devin: [["devin.agent", 1]],
  jules: [["jules.agent", 1]],
  gemini: [
    ["gemini.suggestion", 2],
    ["gemini.cli-trailer", 1],
  ],
  amp: [["amp.trailers", 1]],
  openhands: [["openhands.agent", 1]],
  factory: [["factory.droid", 1]],
  replit: [["replit.agent", 1]],
  sweep: [["sweep.agent", 1]],
  opencode: [["opencode.footer", 1]],
};

/** How popular each tool is as a person's main tool. */
export const TOOL_POPULARITY: readonly (readonly [AiTool, number])[] = [
  ["claude-code", 30],
  ["copilot", 25],
  ["cursor", 20],
  ["codex", 12],
  ["aider", 3],
  ["devin", 2],
  ["jules", 2],
  ["gemini", 2],
  ["amp", 1.5],
  ["openhands", 1],
  ["factory", 1],
  ["replit", 1],
  ["sweep", 0.5],
  ["opencode", 1],
];

/** Human work built to fool a classifier (all class human unless noted). */
export const HARD_NEGATIVES = [
  "prose-mention",
  "ai-like-name",
  "aider-committer",
  "replit-deployment",
  "bot-ai-package",
  "ai-company-email",
] as const;
export type HardNegative = (typeof HARD_NEGATIVES)[number];

/** Builds a form's spec: an AI form id, or `<tool>.unmarked` for AI work with no marker. */
export function buildForm(form: string, c: FormContext): FormSpec {
  if (form.endsWith(".unmarked")) {
    const tool = form.slice(0, -".unmarked".length) as AiTool;
    return {
      form,
      class: "ai",
      tools: [tool],
      subtype: "assisted",
      observable: false,
      markerConfidence: null,
      hardNegative: null,
    };
  }
  const builder = AI_FORMS[form];
  if (!builder) throw new Error(`unknown AI form "${form}"`);
  const spec = builder(c);
  return {
    form,
    class: "ai",
    observable: true,
    markerConfidence: MARKER_CONFIDENCE[form] ?? "high",
    hardNegative: null,
    ...spec,
  };
}
