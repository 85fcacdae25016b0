import { type AiTool, type Confidence, InputError, type InputIssue, type VerdictSubtype } from "@yardstick/core";
import { BUILTIN_RULES, BUILTIN_RULES_VERSION, type RuleInput } from "./builtin-rules.js";
import { AttributionRule, type AttributionSettings, type RuleField, type RuleKind } from "./rule-schema.js";

/** A rule ready to run: lowercased identity keys or a compiled regular expression. */
export interface CompiledRule {
  readonly id: string;
  readonly kind: RuleKind;
  readonly tool: AiTool | null;
  readonly confidence: Confidence;
  readonly subtype: VerdictSubtype;
  readonly field: RuleField;
  readonly dualUse: boolean;
  readonly description: string;
  readonly source: "builtin" | "config";
  readonly identity: { readonly login?: string; readonly name?: string; readonly email?: string } | null;
  readonly regex: RegExp | null;
}

/** Exact identities keyed by their most specific key (email, else login, else name), plus patterns. */
export interface IdentityIndex {
  readonly byEmail: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly byLogin: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly byName: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly patterns: readonly CompiledRule[];
  readonly size: number;
}

export type ActorRuleField = "commit.author" | "commit.committer" | "commit.co-author" | "pr.author";
export type TextRuleField = "commit.message" | "pr.title" | "pr.body" | "pr.head-ref" | "pr.label";

/** The rule set compiled once; share it across every verdict. */
export interface CompiledRuleSet {
  /** Stored in every verdict: the built-in version, plus a hash of the configured changes if any. */
  readonly version: string;
  readonly rules: readonly CompiledRule[];
  readonly ai: Readonly<Record<ActorRuleField, IdentityIndex>>;
  readonly bot: Readonly<Record<ActorRuleField, IdentityIndex>>;
  readonly text: Readonly<Record<TextRuleField, readonly CompiledRule[]>>;
  /**
   * One regex (flag `g`) OR-ing every prefiltered message pattern. A message it does not match
   * needs no further look; when it does, only the lines it matched are given to those rules.
   */
  readonly messagePrefilter: RegExp | null;
  /** Single-line rules without back-references: safe to prefilter and to run on matched lines only. */
  readonly messageFiltered: readonly CompiledRule[];
  /** Every other message rule: always run over the whole message. */
  readonly messageUnfiltered: readonly CompiledRule[];
}

const ACTOR_FIELDS: readonly ActorRuleField[] = ["commit.author", "commit.committer", "commit.co-author", "pr.author"];
const TEXT_FIELDS: readonly TextRuleField[] = ["commit.message", "pr.title", "pr.body", "pr.head-ref", "pr.label"];

/** Optional indentation and a `* ` / `- ` bullet before a line-anchored message pattern. */
const LINE_PREFIX = "[ \\t]*(?:[*-][ \\t]+)?";

function isActorField(field: RuleField): field is ActorRuleField {
  return (ACTOR_FIELDS as readonly string[]).includes(field);
}

function compilePattern(source: string, field: RuleField): RegExp {
  if (field === "commit.message" && source.startsWith("^")) {
    return new RegExp(`^${LINE_PREFIX}(?:${source.slice(1)})`, "imu");
  }
  return new RegExp(source, field === "commit.message" || field === "pr.body" ? "imu" : "iu");
}

function compileOne(rule: AttributionRule, source: "builtin" | "config"): CompiledRule {
  const identity =
    rule.identity === undefined
      ? null
      : {
          ...(rule.identity.login === undefined ? {} : { login: rule.identity.login.trim().toLowerCase() }),
          ...(rule.identity.name === undefined ? {} : { name: normaliseName(rule.identity.name) }),
          ...(rule.identity.email === undefined ? {} : { email: rule.identity.email.trim().toLowerCase() }),
        };
  return {
    id: rule.id,
    kind: rule.kind,
    tool: rule.tool,
    confidence: rule.confidence,
    subtype: rule.subtype ?? (rule.kind === "ai" ? "assisted" : "agent"),
    field: rule.field,
    dualUse: rule.dualUse,
    description: rule.description,
    source,
    identity,
    regex: rule.pattern === undefined ? null : compilePattern(rule.pattern, rule.field),
  };
}

/** Lowercase, single spaces: names compare this way everywhere. */
export function normaliseName(name: string): string {
  const trimmed = name.trim();
  return (NEEDS_SPACE_FIX.test(trimmed) ? trimmed.replace(/\s+/g, " ") : trimmed).toLowerCase();
}
const NEEDS_SPACE_FIX = /\s\s|[\t\n\r]/;

function buildIndex(rules: readonly CompiledRule[]): IdentityIndex {
  const byEmail = new Map<string, CompiledRule[]>();
  const byLogin = new Map<string, CompiledRule[]>();
  const byName = new Map<string, CompiledRule[]>();
  const patterns: CompiledRule[] = [];
  const push = (map: Map<string, CompiledRule[]>, key: string, rule: CompiledRule) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [rule]);
    else list.push(rule);
  };
  for (const rule of rules) {
    if (rule.regex !== null) patterns.push(rule);
    else if (rule.identity?.email !== undefined) push(byEmail, rule.identity.email, rule);
    else if (rule.identity?.login !== undefined) push(byLogin, rule.identity.login, rule);
    else if (rule.identity?.name !== undefined) push(byName, rule.identity.name, rule);
  }
  return { byEmail, byLogin, byName, patterns, size: rules.length };
}

const ANCHORED_PREFIX = `^${LINE_PREFIX}(?:`;

/**
 * One regex that matches a message when any of `rules` would. Line-anchored rules share a
 * single `^` + bullet prefix (checked once per position instead of once per rule), unanchored
 * ones follow as plain alternatives.
 */
function buildPrefilter(rules: readonly CompiledRule[]): RegExp | null {
  if (rules.length === 0) return null;
  const anchored: string[] = [];
  const free: string[] = [];
  for (const rule of rules) {
    const source = rule.regex?.source ?? "";
    if (source.startsWith(ANCHORED_PREFIX) && source.endsWith(")"))
      anchored.push(source.slice(ANCHORED_PREFIX.length, -1));
    else free.push(source);
  }
  const parts = [
    ...(anchored.length > 0 ? [`${ANCHORED_PREFIX}${anchored.map((a) => `(?:${a})`).join("|")})`] : []),
    ...free.map((f) => `(?:${f})`),
  ];
  return new RegExp(parts.join("|"), "gimu");
}

/**
 * True when a pattern can only match within one line: nothing in it matches a line break.
 * Conservative: negated classes that exclude \n (or \s) are fine, anything else that could
 * match a newline (\s, \n, \r, \W, \D, other negated classes) is not.
 */
export function isLineLocal(source: string): boolean {
  const withoutSafeNegations = source.replace(/\[\^(?:[^\]\\]|\\.)*\]/g, (cls) =>
    cls.includes("\\n") || cls.includes("\\s") ? "" : cls,
  );
  return !/\\[snrWD]|\[\^|\\u000[aA]|\\x0[aA]/.test(withoutSafeNegations);
}

/** 32-bit FNV-1a, hex: a short, stable fingerprint of the configured rule changes. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function isDisabled(id: string, disabled: readonly string[]): boolean {
  return disabled.some((entry) => id === entry || id.startsWith(`${entry}.`));
}

export interface CompileOptions {
  /** Replace the built-in rules (tests). */
  builtin?: readonly RuleInput[];
  version?: string;
}

/**
 * Validate and compile the built-in rules merged with the configured ones. Configured rules
 * are added; `disableRules` switches built-in or configured rules off (by id or id prefix);
 * `automationAccounts` become exact bot identities (login, and the same string as a git name).
 * Throws `InputError` naming the rule when one is invalid.
 */
export function compileRules(
  settings: Partial<
    Pick<AttributionSettings, "rules" | "disableRules" | "automationAccounts" | "reviewSuggestions">
  > = {},
  options: CompileOptions = {},
): CompiledRuleSet {
  const configured = settings.rules ?? [];
  const disabled = settings.disableRules ?? [];
  const automation = settings.automationAccounts ?? [];
  const ignoreReviews = settings.reviewSuggestions === "ignore";
  const issues: InputIssue[] = [];
  const compiled: CompiledRule[] = [];
  const seen = new Set<string>();

  const add = (input: RuleInput, source: "builtin" | "config", path: string) => {
    const parsed = AttributionRule.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: [path, ...issue.path.map(String)].join("."),
          message: issue.message,
          example: '{ id: "acme.agent.trailer", tool: "other-ai", field: "commit.message", pattern: "^Acme-Agent: " }',
        });
      }
      return;
    }
    const rule = parsed.data;
    if (seen.has(rule.id)) {
      issues.push({ path: `${path}.id`, message: `duplicate rule id "${rule.id}"`, example: '"acme.agent.trailer-2"' });
      return;
    }
    if (rule.identity !== undefined && !isActorField(rule.field)) {
      issues.push({
        path: `${path}.identity`,
        message: `identity rules apply to commit.author, commit.committer, commit.co-author or pr.author, not ${rule.field}; use a pattern`,
        example: 'pattern: "^ai-generated$"',
      });
      return;
    }
    seen.add(rule.id);
    if (ignoreReviews && rule.reviewSuggestion) return;
    if (!isDisabled(rule.id, disabled)) compiled.push(compileOne(rule, source));
  };

  (options.builtin ?? BUILTIN_RULES).forEach((rule, i) => {
    add(rule, "builtin", `builtin[${i}]`);
  });
  configured.forEach((rule, i) => {
    add(rule as RuleInput, "config", `attribution.rules[${i}]`);
  });
  automation.forEach((account, i) => {
    const value = account.trim();
    if (value === "") {
      issues.push({
        path: `attribution.automationAccounts[${i}]`,
        message: "empty login",
        example: '"acme-release-bot"',
      });
      return;
    }
    const slug = value.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
    const base = `config.automation.${slug}`;
    for (const [field, identity, suffix] of [
      ["commit.author", value.includes("@") ? { email: value } : { login: value }, "author"],
      ["commit.author", { name: value }, "author-name"],
      ["pr.author", { login: value }, "pr-author"],
    ] as const) {
      if (field === "pr.author" && value.includes("@")) continue;
      add(
        { id: `${base}.${suffix}`, kind: "bot", field, identity, description: "configured automation account" },
        "config",
        `attribution.automationAccounts[${i}]`,
      );
    }
  });
  if (issues.length > 0) throw new InputError("config.attribution_rules", "invalid attribution rules", issues);

  const aiIndex = {} as Record<ActorRuleField, IdentityIndex>;
  const botIndex = {} as Record<ActorRuleField, IdentityIndex>;
  for (const field of ACTOR_FIELDS) {
    aiIndex[field] = buildIndex(compiled.filter((r) => r.field === field && r.kind === "ai"));
    botIndex[field] = buildIndex(compiled.filter((r) => r.field === field && r.kind === "bot"));
  }
  const text = {} as Record<TextRuleField, CompiledRule[]>;
  for (const field of TEXT_FIELDS) text[field] = compiled.filter((r) => r.field === field && r.regex !== null);

  const combinable = (r: CompiledRule) =>
    r.regex !== null && !/\\[1-9]|\(\?<[A-Za-z]|\\k</.test(r.regex.source) && isLineLocal(r.regex.source);
  const messageFiltered = text["commit.message"].filter(combinable);
  const messageUnfiltered = text["commit.message"].filter((r) => !combinable(r));
  const messagePrefilter = buildPrefilter(messageFiltered);

  const changed = configured.length > 0 || disabled.length > 0 || automation.length > 0 || ignoreReviews;
  const baseVersion = options.version ?? BUILTIN_RULES_VERSION;
  const version = changed
    ? `${baseVersion}+cfg.${fingerprint(
        JSON.stringify({
          configured,
          disabled: [...disabled].sort(),
          automation: [...automation].sort(),
          ...(ignoreReviews ? { reviewSuggestions: "ignore" } : {}),
        }),
      )}`
    : baseVersion;

  return {
    version,
    rules: compiled,
    ai: aiIndex,
    bot: botIndex,
    text,
    messagePrefilter,
    messageFiltered,
    messageUnfiltered,
  };
}
