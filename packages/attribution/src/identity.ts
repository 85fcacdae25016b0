import { type IdentityKind, noreplyLogin, noreplyUserId, type Person } from "@yardstick/core";
import { type CompiledRuleSet, compileRules, normaliseName } from "./compile.js";
import { actorKeys, classifyActor, matchActor } from "./engine.js";

/** Whatever is known of an account or git identity. */
export interface IdentityQuery {
  login?: string | null;
  userId?: number | null;
  email?: string | null;
  name?: string | null;
  /** GitHub account type; `Bot` never resolves to a person. */
  type?: string | null;
}

export interface UnresolvedIdentity {
  kind: IdentityKind;
  value: string;
  /** How many look-ups asked for it. */
  count: number;
  /** `unknown`, or `ambiguous` when a name belongs to several people. */
  reason: "unknown" | "ambiguous";
}

export interface ResolutionReport {
  /** Distinct human identities looked up (bots left out). */
  total: number;
  resolved: number;
  /** resolved / total (1 when nothing was looked up). */
  coverage: number;
  /** Distinct automation/AI identities seen (never people). */
  bots: number;
  unresolved: UnresolvedIdentity[];
}

export interface IdentityResolver {
  /** The person id, or null (a bot, or unknown: then it is recorded as unresolved). */
  resolve(query: IdentityQuery): string | null;
  /** True for automation and AI agent identities. */
  isBot(query: IdentityQuery): boolean;
  report(): ResolutionReport;
}

function describe(q: IdentityQuery): { kind: IdentityKind; value: string } {
  if (q.login) return { kind: "login", value: q.login };
  if (q.email) return { kind: "email", value: q.email };
  if (q.userId !== undefined && q.userId !== null) return { kind: "user_id", value: String(q.userId) };
  return { kind: "name", value: q.name ?? "" };
}

/**
 * A resolver over a roster: logins, numeric ids, emails (including `ID+login@` and `login@`
 * `users.noreply.github.com`) and co-author names map to one person id. Names resolve only when
 * exactly one person has them. Bots (type Bot, `[bot]`, known automation and AI identities of
 * the rule set) never resolve. Every unresolved identity is kept, with a count, for the report.
 */
export function createIdentityResolver(
  roster: readonly Person[],
  rules: CompiledRuleSet = compileRules(),
): IdentityResolver {
  const byLogin = new Map<string, string>();
  const byUserId = new Map<number, string>();
  const byEmail = new Map<string, string>();
  const byName = new Map<string, string | null>();
  for (const person of roster) {
    for (const login of person.logins) byLogin.set(login.toLowerCase(), person.id);
    for (const id of person.userIds) byUserId.set(id, person.id);
    for (const email of person.emails) {
      const lower = email.trim().toLowerCase();
      byEmail.set(lower, person.id);
      const login = noreplyLogin(lower);
      if (login !== null && !byLogin.has(login)) byLogin.set(login, person.id);
    }
    for (const name of [person.displayName, ...person.names]) {
      const key = normaliseName(name);
      if (key === "") continue;
      const existing = byName.get(key);
      byName.set(key, existing === undefined || existing === person.id ? person.id : null);
    }
  }

  const seen = new Map<
    string,
    { resolved: boolean; kind: IdentityKind; value: string; count: number; reason: UnresolvedIdentity["reason"] }
  >();
  const bots = new Set<string>();

  const isBot = (q: IdentityQuery): boolean => {
    const keys = actorKeys(q.name ?? "", q.email ?? "", q.login ?? null);
    if (q.type === "Bot") return true;
    const asAuthor = classifyActor(rules, "commit.author", keys, q.type);
    if (asAuthor !== "human") return true;
    if (q.login && classifyActor(rules, "pr.author", keys, q.type) !== "human") return true;
    // Exact AI identities only: a pattern such as "a co-author named Claude" must not make a person a bot.
    if ((q.email || q.name) && matchActor(rules.ai["commit.co-author"], keys, false).length > 0) return true;
    return false;
  };

  const lookup = (q: IdentityQuery): { id: string | null; ambiguous: boolean } => {
    if (q.userId !== undefined && q.userId !== null) {
      const id = byUserId.get(q.userId);
      if (id !== undefined) return { id, ambiguous: false };
    }
    if (q.login) {
      const id = byLogin.get(q.login.toLowerCase());
      if (id !== undefined) return { id, ambiguous: false };
    }
    if (q.email) {
      const email = q.email.trim().toLowerCase();
      const id = byEmail.get(email);
      if (id !== undefined) return { id, ambiguous: false };
      const userId = noreplyUserId(email);
      const viaId = userId === null ? undefined : byUserId.get(userId);
      if (viaId !== undefined) return { id: viaId, ambiguous: false };
      const login = noreplyLogin(email);
      const viaLogin = login === null ? undefined : byLogin.get(login.toLowerCase());
      if (viaLogin !== undefined) return { id: viaLogin, ambiguous: false };
    }
    if (q.name) {
      const id = byName.get(normaliseName(q.name));
      if (id === null) return { id: null, ambiguous: true };
      if (id !== undefined) return { id, ambiguous: false };
    }
    return { id: null, ambiguous: false };
  };

  return {
    isBot,
    resolve(query) {
      const { kind, value } = describe(query);
      const key = `${kind}:${value.toLowerCase()}`;
      if (isBot(query)) {
        bots.add(key);
        return null;
      }
      const { id, ambiguous } = lookup(query);
      const entry = seen.get(key);
      if (entry === undefined) {
        seen.set(key, { resolved: id !== null, kind, value, count: 1, reason: ambiguous ? "ambiguous" : "unknown" });
      } else {
        entry.count++;
      }
      return id;
    },
    report() {
      const entries = [...seen.values()];
      const resolved = entries.filter((e) => e.resolved).length;
      return {
        total: entries.length,
        resolved,
        coverage: entries.length === 0 ? 1 : resolved / entries.length,
        bots: bots.size,
        unresolved: entries
          .filter((e) => !e.resolved)
          .map(({ kind, value, count, reason }) => ({ kind, value, count, reason }))
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
      };
    },
  };
}
