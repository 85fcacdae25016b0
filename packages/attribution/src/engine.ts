import {
  type Confidence,
  type Evidence,
  type EvidenceLocation,
  maxConfidence,
  noreplyLogin,
  type Verdict,
  type VerdictSubtype,
} from "@yardstick/core";
import { type CompiledRule, type CompiledRuleSet, type IdentityIndex, normaliseName } from "./compile.js";

/** A git identity as the engine needs it (core `GitActor` fits). */
export interface ActorLike {
  name: string;
  email: string;
  login?: string | null;
  type?: string | null;
}

/** A `Co-authored-by:` identity (core `CoAuthor` fits). */
export interface CoAuthorLike {
  name: string;
  email: string;
  login?: string | null;
}

/** A commit as the engine needs it (core `Commit` fits). */
export interface CommitLike {
  sha: string;
  message: string;
  author: ActorLike;
  committer?: ActorLike | null;
  /** Co-authors known from elsewhere (GraphQL `Commit.authors`); the message is always scanned too. */
  coAuthors?: readonly CoAuthorLike[];
}

/** A pull request as the engine needs it (core `PullRequest` fits). */
export interface PullRequestLike {
  title?: string;
  body?: string;
  author: { login: string; type?: string | null };
  headRef?: string | null;
  labels?: readonly string[];
}

export interface AttributionContext {
  rules: CompiledRuleSet;
}

/** How an account behaves: a person, known automation (strict or dual-use), an unknown bot, or an AI agent. */
export type ActorKind = "human" | "bot" | "dual-bot" | "unknown-bot" | "agent";

interface Hit {
  evidence: Evidence;
  subtype: VerdictSubtype;
}

export interface ActorKeys {
  name: string;
  email: string;
  login: string | null;
  /** `Name <email>`, as patterns on actor fields see it. */
  display: string;
}

export function actorKeys(name: string, email: string, login?: string | null): ActorKeys {
  const lowerEmail = email.trim().toLowerCase();
  const ownLogin = login === undefined || login === null || login === "" ? null : login.toLowerCase();
  return {
    name: normaliseName(name),
    email: lowerEmail,
    login: ownLogin ?? (lowerEmail.endsWith("@users.noreply.github.com") ? noreplyLogin(lowerEmail) : null),
    display: `${name} <${email}>`,
  };
}

function identityMatches(rule: CompiledRule, keys: ActorKeys): boolean {
  const id = rule.identity;
  if (id === null) return false;
  return (
    (id.email === undefined || id.email === keys.email) &&
    (id.login === undefined || id.login === keys.login) &&
    (id.name === undefined || id.name === keys.name)
  );
}

type ActorMatch = { rule: CompiledRule; matched: string };

function pushIdentityMatches(list: readonly CompiledRule[] | undefined, keys: ActorKeys, out: ActorMatch[]): void {
  if (list === undefined) return;
  for (const rule of list) if (identityMatches(rule, keys)) out.push({ rule, matched: keys.display });
}

const NO_MATCHES: readonly ActorMatch[] = [];

/** Every rule of `index` the identity matches, with the text each matched. */
export function matchActor(index: IdentityIndex, keys: ActorKeys, withPatterns = true): readonly ActorMatch[] {
  if (index.size === 0) return NO_MATCHES;
  let out: ActorMatch[] | null = null;
  const byEmail = keys.email === "" ? undefined : index.byEmail.get(keys.email);
  const byLogin = keys.login === null ? undefined : index.byLogin.get(keys.login);
  const byName = keys.name === "" ? undefined : index.byName.get(keys.name);
  if (byEmail !== undefined || byLogin !== undefined || byName !== undefined) {
    out = [];
    pushIdentityMatches(byEmail, keys, out);
    pushIdentityMatches(byLogin, keys, out);
    pushIdentityMatches(byName, keys, out);
  }
  if (withPatterns) {
    for (const rule of index.patterns) {
      if (rule.regex?.test(keys.display)) {
        out ??= [];
        out.push({ rule, matched: keys.display });
      }
    }
  }
  return out ?? NO_MATCHES;
}

function isSeparator(s: string, i: number): boolean {
  if (i < 0) return true;
  const c = s.charCodeAt(i);
  return c === 45 || c === 95 || c === 46 || c === 32; // - _ . space
}

/** `…[-_. ]bot`, `…[-_. ]robot`, `…b0t` ending at `end` (lower-case input); char codes, no regex: hot path. */
function endsLikeAutomation(s: string, end: number): boolean {
  if (end < 3 || s.charCodeAt(end - 1) !== 116 || s.charCodeAt(end - 3) !== 98) return false; // t, b
  const o = s.charCodeAt(end - 2);
  if (o !== 111 && o !== 48) return false; // o or 0
  return (
    isSeparator(s, end - 4) ||
    (end >= 5 && s.charCodeAt(end - 4) === 111 && s.charCodeAt(end - 5) === 114 && isSeparator(s, end - 6))
  );
}

/**
 * Release, nightly and export robots that are plain accounts, not GitHub Apps: a login, name or
 * email local part ending in `bot`/`robot` (or `b0t`) after a separator (`gemini-cli-robot`,
 * `dotnet bot`, `genai-sdk-bot@google.com`, `R00-B0T`). A separator is required, so Talbot and
 * Abbot stay people.
 */
function isBotLike(keys: ActorKeys, type: string | null | undefined): boolean {
  if (type === "Bot") return true;
  if (keys.login?.endsWith("[bot]") || keys.name.endsWith("[bot]") || keys.email.includes("[bot]@")) return true;
  return (
    endsLikeAutomation(keys.name, keys.name.length) ||
    (keys.login !== null && endsLikeAutomation(keys.login, keys.login.length)) ||
    endsLikeAutomation(keys.email, keys.email.indexOf("@"))
  );
}

/** Known automation first (exact identities), then AI agent identities, then `[bot]`/type Bot. */
export function classifyActor(
  rules: CompiledRuleSet,
  field: "commit.author" | "pr.author",
  keys: ActorKeys,
  type?: string | null,
): ActorKind {
  const bots = matchActor(rules.bot[field], keys, false);
  if (bots.length > 0) return bots.some((b) => b.rule.dualUse) ? "dual-bot" : "bot";
  if (matchActor(rules.ai[field], keys, false).length > 0) return "agent";
  return isBotLike(keys, type) ? "unknown-bot" : "human";
}

/** True when a co-author is neither automation nor an AI identity: a person to credit. */
export function isHumanCoAuthor(rules: CompiledRuleSet, keys: ActorKeys): boolean {
  if (isBotLike(keys, null)) return false;
  if (matchActor(rules.ai["commit.co-author"], keys).length > 0) return false;
  if (matchActor(rules.ai["commit.author"], keys, false).length > 0) return false;
  if (matchActor(rules.bot["commit.author"], keys, false).length > 0) return false;
  return true;
}

/** `Co-authored-by:` and `Co-developed-by:` lines anywhere in a message (bullets tolerated). */
const CO_AUTHOR_LINE =
  /^[ \t]*(?:[*-][ \t]+)?(co-(?:authored|developed)-by:[ \t]*([^<\n]*?)[ \t]*<([^<>\n]*)>)[ \t]*$/gim;
const MERGE_SUBJECT = /^Merge pull request #[0-9]+ from [^\s/]+\/(\S+)/;
/** Dependency bots' branches: a merge commit of one is the bot's change, merged by a person. */
const BOT_BRANCH = /^(?:dependabot|renovate)\//;
const LINE_PREFIX = /^[ \t]*(?:[*-][ \t]+)?/;
const HAS_BY = /-by:/i;

export interface ParsedCoAuthor {
  name: string;
  email: string;
  login: string | null;
  /** The trailer line as written (without bullet), or `Name <email>` when known from elsewhere. */
  line: string;
}

export function coAuthorTrailers(message: string, extra: readonly CoAuthorLike[] = []): ParsedCoAuthor[] {
  const out: ParsedCoAuthor[] = [];
  if (extra.length === 0 && !HAS_BY.test(message)) return out;
  const seen = new Set<string>();
  CO_AUTHOR_LINE.lastIndex = 0;
  for (let m = CO_AUTHOR_LINE.exec(message); m !== null; m = CO_AUTHOR_LINE.exec(message)) {
    const email = (m[3] ?? "").trim();
    const key = email.toLowerCase() || `name:${m[2] ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: (m[2] ?? "").trim(), email, login: null, line: m[1] ?? "" });
  }
  for (const c of extra) {
    const key = c.email.toLowerCase() || `name:${c.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: c.name, email: c.email, login: c.login ?? null, line: `${c.name} <${c.email}>` });
  }
  return out;
}

function hit(rule: CompiledRule, location: EvidenceLocation, matched: string): Hit {
  return {
    evidence: { signal: rule.id, tool: rule.tool, confidence: rule.confidence, location, matched },
    subtype: rule.subtype,
  };
}

function runMessageRules(
  list: readonly CompiledRule[],
  message: string,
  location: EvidenceLocation,
  hits: Hit[],
): void {
  for (const rule of list) {
    const m = rule.regex?.exec(message);
    if (m) hits.push(hit(rule, location, m[0].replace(LINE_PREFIX, "").trimEnd()));
  }
}

/**
 * The lines of `message` on which the (global) prefilter matched, joined by newlines. Every
 * prefiltered rule is single-line, so a rule matching the message matches one of these lines.
 */
function matchedLines(prefilter: RegExp, message: string): string {
  let out = "";
  let lastLineStart = -1;
  prefilter.lastIndex = 0;
  for (let m = prefilter.exec(message); m !== null; m = prefilter.exec(message)) {
    const start = message.lastIndexOf("\n", m.index - 1) + 1;
    if (start !== lastLineStart) {
      const end = message.indexOf("\n", m.index + Math.max(m[0].length - 1, 0));
      out += `${out === "" ? "" : "\n"}${message.slice(start, end === -1 ? message.length : end)}`;
      lastLineStart = start;
    }
    if (m[0].length === 0) prefilter.lastIndex++;
  }
  return out;
}

function scanMessage(rules: CompiledRuleSet, sha: string, message: string, hits: Hit[]): void {
  let prefilterHit = false;
  if (rules.messagePrefilter !== null) {
    rules.messagePrefilter.lastIndex = 0;
    prefilterHit = rules.messagePrefilter.test(message);
  }
  const isMerge = message.startsWith("Merge pull request #");
  if (!prefilterHit && rules.messageUnfiltered.length === 0 && !isMerge) return;
  const location: EvidenceLocation = { kind: "commit", sha, field: "message" };
  if (prefilterHit && rules.messagePrefilter !== null) {
    runMessageRules(rules.messageFiltered, matchedLines(rules.messagePrefilter, message), location, hits);
  }
  runMessageRules(rules.messageUnfiltered, message, location, hits);
  // Branches survive in merge commit subjects: run the branch rules on them.
  if (isMerge) {
    const branch = MERGE_SUBJECT.exec(message)?.[1];
    if (branch !== undefined) {
      for (const rule of rules.text["pr.head-ref"]) {
        if (rule.regex?.test(branch)) hits.push(hit(rule, location, branch));
      }
    }
  }
}

export interface CommitScan {
  authorKind: ActorKind;
  /** People named as co-authors (automation and AI identities left out), in message order. */
  humanCoAuthors: ParsedCoAuthor[];
}

/** Collect the evidence of one commit into `hits`; strict automation contributes none. */
function scanCommit(rules: CompiledRuleSet, commit: CommitLike, hits: Hit[]): CommitScan {
  const authorKeys = actorKeys(commit.author.name, commit.author.email, commit.author.login);
  let authorKind = classifyActor(rules, "commit.author", authorKeys, commit.author.type);
  if (commit.message.startsWith("Merge pull request #")) {
    const branch = MERGE_SUBJECT.exec(commit.message)?.[1];
    if (branch !== undefined && BOT_BRANCH.test(branch)) authorKind = "bot";
  }
  // CRLF messages (Windows editors, some web tools): line-anchored patterns expect \n.
  const message = commit.message.includes("\r") ? commit.message.replace(/\r\n?/g, "\n") : commit.message;
  const coAuthors = coAuthorTrailers(message, commit.coAuthors);
  const humanCoAuthors: ParsedCoAuthor[] = [];
  if (authorKind === "bot") {
    // Dependency and release bots quote upstream changelogs: nothing they write is AI evidence.
    return { authorKind, humanCoAuthors };
  }
  const sha = commit.sha;
  for (const { rule, matched } of matchActor(rules.ai["commit.author"], authorKeys)) {
    hits.push(hit(rule, { kind: "commit", sha, field: "author" }, matched));
  }
  if (commit.committer) {
    const keys = actorKeys(commit.committer.name, commit.committer.email, commit.committer.login);
    for (const { rule, matched } of matchActor(rules.ai["commit.committer"], keys)) {
      hits.push(hit(rule, { kind: "commit", sha, field: "committer" }, matched));
    }
  }
  for (const co of coAuthors) {
    const keys = actorKeys(co.name, co.email, co.login);
    const matches = matchActor(rules.ai["commit.co-author"], keys);
    for (const { rule } of matches) hits.push(hit(rule, { kind: "commit", sha, field: "co-author" }, co.line));
    if (matches.length === 0 && isHumanCoAuthor(rules, keys)) humanCoAuthors.push(co);
  }
  scanMessage(rules, sha, message, hits);
  return { authorKind, humanCoAuthors };
}

export interface PullRequestScan {
  authorKind: ActorKind;
}

function runTextRules(
  field: "title" | "body" | "head-ref",
  list: readonly CompiledRule[],
  value: string | null | undefined,
  hits: Hit[],
): void {
  if (value === undefined || value === null || value === "") return;
  for (const rule of list) {
    const m = rule.regex?.exec(value);
    if (m) hits.push(hit(rule, { kind: "pr", field }, m[0].replace(LINE_PREFIX, "").trimEnd()));
  }
}

function scanPullRequest(rules: CompiledRuleSet, pr: PullRequestLike, hits: Hit[]): PullRequestScan {
  const keys = actorKeys("", "", pr.author.login);
  const authorKind = classifyActor(rules, "pr.author", keys, pr.author.type);
  if (authorKind === "bot") return { authorKind };
  for (const { rule, matched } of matchActor(rules.ai["pr.author"], { ...keys, display: pr.author.login })) {
    hits.push(hit(rule, { kind: "pr", field: "author" }, matched));
  }
  runTextRules("title", rules.text["pr.title"], pr.title, hits);
  runTextRules("body", rules.text["pr.body"], pr.body, hits);
  runTextRules("head-ref", rules.text["pr.head-ref"], pr.headRef, hits);
  for (const label of pr.labels ?? []) {
    for (const rule of rules.text["pr.label"]) {
      if (rule.regex?.test(label)) hits.push(hit(rule, { kind: "pr", field: "label" }, label));
    }
  }
  return { authorKind };
}

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };
const SUBTYPE_RANK: Record<VerdictSubtype, number> = { "ai-suggested": 1, assisted: 2, agent: 3 };

function locationKey(l: EvidenceLocation): string {
  return l.kind === "commit" ? `c:${l.sha}:${l.field}` : `p:${l.field}`;
}

/** Evidence -> verdict: strongest tool, all tools, overall confidence (two independent lows make a medium). */
export function buildVerdict(hits: readonly Hit[], fallback: "human" | "bot", ruleVersion: string): Verdict {
  if (hits.length === 0) {
    return { class: fallback, tool: null, tools: [], confidence: null, subtype: null, evidence: [], ruleVersion };
  }
  // A catch-all ("other-ai") hit on the same text as a named tool's hit says nothing more.
  let kept = hits;
  if (hits.some((h) => h.evidence.tool === "other-ai")) {
    const named = new Set(
      hits
        .filter((h) => h.evidence.tool !== "other-ai")
        .map((h) => `${locationKey(h.evidence.location)}|${h.evidence.matched}`),
    );
    kept = hits.filter(
      (h) => h.evidence.tool !== "other-ai" || !named.has(`${locationKey(h.evidence.location)}|${h.evidence.matched}`),
    );
  }
  let confidence: Confidence | null = null;
  // Per tool: best confidence, whether it wrote code (a hit not "ai-suggested"), how much evidence.
  const perTool = new Map<string, { best: number; writes: number; count: number; order: number }>();
  kept.forEach((h, order) => {
    confidence = maxConfidence(confidence, h.evidence.confidence);
    const tool = h.evidence.tool;
    if (tool === null) return;
    const rank = RANK[h.evidence.confidence];
    const writes = h.subtype === "ai-suggested" ? 0 : 1;
    const entry = perTool.get(tool);
    if (entry === undefined) perTool.set(tool, { best: rank, writes, count: 1, order });
    else {
      // "Wrote code" is judged at the tool's best confidence (a low co-author name does not count).
      if (rank > entry.best) entry.writes = writes;
      else if (rank === entry.best) entry.writes = Math.max(entry.writes, writes);
      entry.best = Math.max(entry.best, rank);
      entry.count++;
    }
  });
  if (confidence === "low") {
    const lows = kept.filter((h) => h.evidence.confidence === "low");
    const signals = new Set(lows.map((h) => h.evidence.signal));
    const fields = new Set(lows.map((h) => `${h.evidence.location.kind}:${h.evidence.location.field}`));
    if (signals.size >= 2 && fields.size >= 2) confidence = "medium";
  }
  const tools = [...perTool.entries()]
    .sort(
      ([ta, a], [tb, b]) =>
        b.best - a.best ||
        b.writes - a.writes ||
        Number(ta === "other-ai") - Number(tb === "other-ai") ||
        b.count - a.count ||
        a.order - b.order,
    )
    .map(([tool]) => tool as Verdict["tools"][number]);
  const top = Math.max(...kept.map((h) => RANK[h.evidence.confidence]));
  let subtype: VerdictSubtype = "ai-suggested";
  for (const h of kept) {
    if (RANK[h.evidence.confidence] === top && SUBTYPE_RANK[h.subtype] > SUBTYPE_RANK[subtype]) subtype = h.subtype;
  }
  return {
    class: "ai",
    tool: tools[0] ?? null,
    tools,
    confidence,
    subtype,
    evidence: kept.map((h) => h.evidence),
    ruleVersion,
  };
}

function isBotKind(kind: ActorKind): boolean {
  return kind === "bot" || kind === "dual-bot" || kind === "unknown-bot";
}

/** The verdict of one commit (a direct push, or one commit of a PR). */
export function attributeCommit(commit: CommitLike, ctx: AttributionContext, pr?: PullRequestLike | null): Verdict {
  const hits: Hit[] = [];
  const scan = scanCommit(ctx.rules, commit, hits);
  let botFallback = isBotKind(scan.authorKind);
  if (pr !== undefined && pr !== null) {
    const prScan = scanPullRequest(ctx.rules, pr, hits);
    botFallback = botFallback || isBotKind(prScan.authorKind);
  }
  return buildVerdict(hits, botFallback ? "bot" : "human", ctx.rules.version);
}

export interface ChangeAttribution {
  verdict: Verdict;
  pr: PullRequestScan;
  commits: Array<{ sha: string } & CommitScan>;
}

/**
 * The verdict of a change: the union over its pre-squash commits, the merged commit (squash,
 * merge or rebase result; skipped when it is one of the PR's commits), the PR author, title,
 * body, branch and labels.
 */
export function attributeChangeDetailed(
  pr: PullRequestLike,
  commits: readonly CommitLike[],
  mergedCommit: CommitLike | null | undefined,
  ctx: AttributionContext,
): ChangeAttribution {
  const hits: Hit[] = [];
  const prScan = scanPullRequest(ctx.rules, pr, hits);
  const scans: Array<{ sha: string } & CommitScan> = [];
  const shas = new Set<string>();
  for (const commit of commits) {
    shas.add(commit.sha);
    scans.push({ sha: commit.sha, ...scanCommit(ctx.rules, commit, hits) });
  }
  if (mergedCommit && !shas.has(mergedCommit.sha)) {
    scans.push({ sha: mergedCommit.sha, ...scanCommit(ctx.rules, mergedCommit, hits) });
  }
  const verdict = buildVerdict(hits, isBotKind(prScan.authorKind) ? "bot" : "human", ctx.rules.version);
  return { verdict, pr: prScan, commits: scans };
}

export function attributeChange(
  pr: PullRequestLike,
  commits: readonly CommitLike[],
  mergedCommit: CommitLike | null | undefined,
  ctx: AttributionContext,
): Verdict {
  return attributeChangeDetailed(pr, commits, mergedCommit, ctx).verdict;
}
