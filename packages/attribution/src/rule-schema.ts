import { AiTool, Confidence, VerdictSubtype } from "@yardstick/core";
import { z } from "zod";

/**
 * Attribution rules are data: the built-in rule set and an organisation's own rules (from the
 * configuration file) share this shape. A rule looks at one field and either names an exact
 * identity or gives a regular expression.
 */
export const RuleField = z.enum([
  /** Git author of a commit: name and email (identity), or "Name <email>" (pattern). */
  "commit.author",
  /** Git committer of a commit. */
  "commit.committer",
  /** Each `Co-authored-by:` trailer of a commit: name and email. */
  "commit.co-author",
  /** The whole commit message; patterns run per line (multiline, anchored with ^ where needed). */
  "commit.message",
  /** The pull request's author account (login). */
  "pr.author",
  "pr.title",
  "pr.body",
  "pr.head-ref",
  "pr.label",
]);
export type RuleField = z.infer<typeof RuleField>;

/** `ai`: evidence of AI assistance. `bot`: known automation (never a person, never AI by itself). */
export const RuleKind = z.enum(["ai", "bot"]);
export type RuleKind = z.infer<typeof RuleKind>;

export const RuleIdentity = z
  .object({
    login: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
  })
  .strict()
  .refine((v) => v.login !== undefined || v.name !== undefined || v.email !== undefined, {
    message: 'an identity needs at least one of login, name or email, e.g. { login: "acme-agent[bot]" }',
  });
export type RuleIdentity = z.infer<typeof RuleIdentity>;

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

export const AttributionRule = z
  .object({
    /** Stable id, e.g. "acme.internal-agent.trailer"; evidence names it. */
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase id such as "acme.agent.trailer"'),
    kind: RuleKind.default("ai"),
    tool: AiTool.nullable().default(null),
    confidence: Confidence.default("high"),
    subtype: VerdictSubtype.nullable().default(null),
    field: RuleField,
    /** Exact identity (case-insensitive). */
    identity: RuleIdentity.optional(),
    /** A regular expression (JavaScript syntax, Unicode mode), matched case-insensitively. */
    pattern: z
      .string()
      .min(1)
      .refine(isValidRegex, { message: 'not a valid regular expression, e.g. "^Agent-Session: "' })
      .optional(),
    description: z.string().default(""),
    /**
     * Only for `bot` rules: the account does both kinds of work (github-actions[bot],
     * gemini-cli[bot]). Its commits are bot work unless an AI marker in the message says
     * otherwise; a plain bot rule (dependabot) stays bot whatever its messages quote.
     */
    dualUse: z.boolean().default(false),
    /**
     * Only for `ai` rules: the rule reads an AI code-review tool's suggestion committed in review
     * (a review bot as co-author or author of a fix). `attribution.reviewSuggestions` decides
     * whether such evidence counts.
     */
    reviewSuggestion: z.boolean().default(false),
  })
  .strict()
  .refine((r) => (r.identity === undefined) !== (r.pattern === undefined), {
    message: "a rule has exactly one of `identity` or `pattern`",
  })
  .refine((r) => r.kind === "bot" || r.tool !== null, {
    message: 'an `ai` rule names its tool, e.g. tool: "other-ai"',
    path: ["tool"],
  });
export type AttributionRule = z.infer<typeof AttributionRule>;

/** What the configuration file may say about attribution. */
export const AttributionSettings = z
  .object({
    /** Minimum confidence for a change to count as AI-assisted in the metrics. */
    threshold: Confidence.default("high"),
    /** Extra rules (an organisation's own agents, markers or bot accounts). */
    rules: z.array(AttributionRule).default([]),
    /**
     * Built-in rule ids to switch off. An entry also switches off every rule whose id starts
     * with it followed by a dot ("devin.account" switches off "devin.account.author", ...).
     */
    disableRules: z.array(z.string()).default([]),
    /** Logins of automation accounts that are not people (service accounts, release bots). */
    automationAccounts: z.array(z.string()).default([]),
    /**
     * AI code-review tools' suggestions committed in review (Copilot, Gemini Code Assist, Cursor
     * Bugbot, CodeRabbit, Ellipsis, cubic, Greptile as co-author or fix author):
     * `ai-assisted` (default) counts the change as AI-assisted (subtype `ai-suggested`);
     * `ignore` drops that evidence (the change is judged on its other signals).
     */
    reviewSuggestions: z.enum(["ai-assisted", "ignore"]).default("ai-assisted"),
  })
  .strict();
export type AttributionSettings = z.infer<typeof AttributionSettings>;
