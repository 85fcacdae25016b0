import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { AiTool, VerdictClass } from "@yardstick/core";
import {
  type TruthChange,
  type TruthDeployment,
  WORLD_FORMAT,
  WORLD_FORMAT_VERSION,
  type WorldCommit,
  type WorldFile,
  type WorldPull,
  type WorldRecord,
  type WorldUser,
} from "./schema.js";

/**
 * Real histories as worlds. A replay history is what `scripts/replay-world.ts` reads from a git
 * mirror: a window of the default branch's first-parent history (with the second-parent commits
 * of its merge commits), each commit labelled ai/human/bot by the real-corpus labeller (which
 * imports nothing from the engine), and the tags. `replayWorld` turns it into a world the
 * simulator serves, with ground truth computed from the history alone (docs/simulator.md "Replayed
 * real histories" explains every rule):
 *
 * - a first-parent commit "Merge pull request #N from owner/branch" is pull request N merged with
 *   a merge commit (its commits: the second parent's commits not on the first parent); a
 *   single-parent commit whose subject ends in "(#N)" is pull request N squash-merged (its one
 *   branch commit is synthesised from the squash commit); any other first-parent commit is a
 *   direct push (git cannot tell a rebase merge from a push). The window's first commit is the
 *   root the world starts from, not a change.
 * - the class of a change is its label: the squash or pushed commit's; for a merge, ai when the
 *   merge commit or any of its commits is ai, else bot when the merge commit is, else human.
 * - deployments come from the repository's shape: tags matching a pattern (each tag is a
 *   production deployment at its date) or merge-is-deploy (every change deploys at its merge).
 */

export const REPLAY_FORMAT = "yardstick-replay";

export interface ReplayHeader {
  type: "replay-header";
  repo: string;
  /** The mirror's HEAD when the history was read. */
  mirrorHead: string;
  /** The window asked for (days); the first-parent commits are a contiguous run of positions. */
  since: string;
  until: string;
  deploy: { kind: "tags"; pattern: string } | { kind: "merge" };
  commits: number;
  generatedBy: string;
}

export interface ReplayIdentity {
  name: string;
  email: string;
  /** ISO 8601 UTC. */
  date: string;
}

export interface ReplayCommit {
  type: "commit";
  sha: string;
  parents: string[];
  /** On the default branch's first-parent chain (else a merged branch's commit). */
  mainline: boolean;
  author: ReplayIdentity;
  committer: ReplayIdentity;
  message: string;
  /** numstat against the first parent: [path, additions, deletions] (empty for branch commits). */
  files: [string, number, number][];
  additions: number;
  deletions: number;
  /** The real-corpus labeller's verdict; null when it leaves the commit out (no evidence either way). */
  label: { class: VerdictClass; tool: string | null; family: string } | null;
}

export interface ReplayTag {
  type: "tag";
  name: string;
  sha: string;
  taggedAt: string;
  annotated: boolean;
}

export type ReplayRecord = ReplayHeader | ReplayCommit | ReplayTag;

/** What the replay found that a generated world never has (reported by the integration test). */
export interface ReplayNotes {
  /** First-parent commits whose committer date is earlier than their first parent's. */
  clockSkew: string[];
  /** First-parent commits committed in the same second as their first parent (a rebased series pushed at once). */
  clockTies: string[];
  /** Tags (deployments) dated before an earlier-positioned tag: their time order is not the branch order. */
  tagsOutOfOrder: string[];
  /** Pull request numbers seen twice on the first parent (the later one is replayed as a push). */
  duplicateNumbers: number[];
  /** Commits the labeller left out (class unknown): replayed as human. */
  unlabelled: string[];
}

const DAY = 86_400_000;
const REVERT_WINDOW_MS = 14 * DAY;
const LOOKBACK_MS = 28 * DAY;

/** The lock and generated files METRICS.md's trivial rule does not count (the configured defaults, written again here). */
const IGNORED =
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|go\.sum|Cargo\.lock|poetry\.lock|composer\.lock|Gemfile\.lock)$|\.lock$|\.min\.(js|css)$|\.map$|(^|\/)(dist|vendor|__snapshots__)\/|\.generated\.|\.pb\.go$|_pb2\.py$/;

/**
 * The labeller's family whose evidence ATTRIBUTION.md rates medium (an agent's branch name, which
 * anyone can type); every other family it labels ai rests on high evidence.
 */
const MEDIUM_FAMILY = "merge-branch";
const MERGE_SUBJECT = /^Merge pull request #(\d+) from (\S+)/;
const SQUASH_SUBJECT = /^(.*) \(#(\d+)\)$/;
const REVERTS_COMMIT = /This reverts commit ([0-9a-f]{7,40})/g;
const REVERT_TITLE = /^Revert "(.*)"$/;
const NOREPLY = /^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$/i;
const WEB_FLOW = "noreply@github.com";
const CO_AUTHOR = /^[ \t]*co-authored-by:[ \t]*(.*?)[ \t]*<([^<>\n]+)>[ \t]*$/gim;

function hash(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

function idOf(text: string): number {
  return 100_000_000 + (Number.parseInt(hash(text).slice(0, 8), 16) % 800_000_000);
}

function slug(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/[^a-z0-9-]/g, "")
    .replace(/^-+|-+$/g, "");
  return s === "" ? "someone" : s.slice(0, 39);
}

interface Change {
  key: string;
  kind: "pull_request" | "direct_push";
  number: number | null;
  title: string;
  body: string;
  headRef: string;
  landing: ReplayCommit;
  /** The pull request's own commits (branch or synthesised), oldest first; [landing] for a push. */
  commits: WorldCommit[];
  position: number;
  cls: VerdictClass;
  tool: string | null;
  family: string;
  author: string | null;
  mergedBy: string | null;
  credited: string | null;
  files: WorldFile[];
  lines: number;
  trivial: boolean;
  mergedAt: string;
  createdAt: string;
  revertOf: string | null;
  revertedBy: string | null;
  revertedWithin14Days: boolean;
  deployment: string | null;
  deployedAt: string | null;
}

/** A replay history (records in any order, header first) as a world with its ground truth. */
export function replayWorld(records: readonly ReplayRecord[]): { records: WorldRecord[]; notes: ReplayNotes } {
  const header = records[0];
  if (header?.type !== "replay-header") throw new Error("replay history: the first record must be the replay-header");
  const [org, name] = header.repo.split("/") as [string, string];
  const repo = header.repo;
  const commits = records.filter((r): r is ReplayCommit => r.type === "commit");
  const mainline = commits.filter((c) => c.mainline);
  const branchOrder = new Map(commits.filter((c) => !c.mainline).map((c, i) => [c.sha, i] as const));
  const bySha = new Map(commits.map((c) => [c.sha, c] as const));
  const root = mainline[0];
  if (root === undefined) throw new Error(`replay history of ${repo}: no first-parent commit`);
  const notes: ReplayNotes = { clockSkew: [], clockTies: [], tagsOutOfOrder: [], duplicateNumbers: [], unlabelled: [] };
  const now = `${header.until}T00:00:00Z`;
  const start = `${root.committer.date.slice(0, 10)}T00:00:00Z`;
  const memberSince = new Date(Date.parse(start) - 365 * DAY).toISOString().replace(".000Z", "Z");

  // --- Accounts: one per name (GitHub links commits by email; a person's several emails are
  // merged by their name, and a noreply address gives the real login).
  const loginByName = new Map<string, string>();
  const loginByEmail = new Map<string, string | null>();
  const users = new Map<string, WorldUser>();
  const taken = new Set<string>();
  // A name's login: the GitHub login a noreply address of that name gives, else a slug of it.
  const preferred = new Map<string, string>();
  const committing = new Set(commits.flatMap((c) => [c.author.name, c.committer.name]));
  const coAuthorsOf = (c: ReplayCommit) =>
    [...c.message.matchAll(CO_AUTHOR)]
      .map((m) => ({ name: (m[1] ?? "").trim(), email: m[2] ?? "" }))
      .filter((who) => committing.has(who.name));
  for (const c of commits) {
    for (const who of [c.author, c.committer, ...coAuthorsOf(c)]) {
      const login = NOREPLY.exec(who.email)?.[2];
      if (login !== undefined && !preferred.has(who.name)) preferred.set(who.name, login);
    }
  }
  const accountOf = (who: { name: string; email: string }): string | null => {
    const email = who.email.toLowerCase();
    if (email === WEB_FLOW) return null;
    const known = loginByEmail.get(email);
    if (known !== undefined) return known;
    // A noreply address names its account; other addresses go to their name's account.
    let login = NOREPLY.exec(email)?.[2] ?? loginByName.get(who.name) ?? preferred.get(who.name) ?? null;
    if (login === null || (taken.has(login.toLowerCase()) && !users.has(login))) {
      const base = slug(who.name);
      login = base;
      for (let i = 2; taken.has(login.toLowerCase()); i++) login = `${base}-${i}`;
    }
    loginByEmail.set(email, login);
    if (!loginByName.has(who.name)) loginByName.set(who.name, login);
    const user = users.get(login);
    if (user === undefined) {
      taken.add(login.toLowerCase());
      const numeric = NOREPLY.exec(email)?.[1];
      users.set(login, {
        type: "user",
        login,
        id: numeric === undefined ? idOf(login) : Number(numeric),
        nodeId: `U_${hash(login).slice(0, 12)}`,
        accountType: "User",
        kind: "human",
        name: who.name,
        emails: [who.email],
        createdAt: "2015-01-01T00:00:00Z",
        memberships: [],
        onLeave: [],
      });
    } else if (!user.emails.some((e) => e.toLowerCase() === email)) user.emails.push(who.email);
    return login;
  };
  const isBotFamily = (f: string) => ["dependency-bot", "release-bot", "ci-bot", "other-bot"].includes(f);
  const botLogins = new Set<string>();
  const agentLogins = new Set<string>();
  // Co-authors who also commit in the window: their trailer addresses are theirs too.
  for (const c of commits) for (const who of coAuthorsOf(c)) accountOf(who);
  for (const c of commits) {
    const login = accountOf(c.author);
    accountOf(c.committer);
    if (login === null) continue;
    if (c.label?.family === "agent-author") agentLogins.add(login);
    else if (/\[bot\]$/i.test(login) || (c.label !== null && isBotFamily(c.label.family))) botLogins.add(login);
  }
  for (const [login, u] of users) {
    if (agentLogins.has(login)) Object.assign(u, { kind: "ai-agent", accountType: "Bot" });
    else if (botLogins.has(login)) Object.assign(u, { kind: "bot", accountType: "Bot" });
    else u.memberships = [{ org, role: "member", joinedAt: memberSince, leftAt: null }];
  }
  const human = (login: string | null) => (login !== null && users.get(login)?.kind === "human" ? login : null);

  // --- Commits of the world: parents outside the window are dropped (the root starts the world).
  const worldCommit = (c: ReplayCommit, withFiles: boolean): WorldCommit => ({
    type: "commit",
    repo,
    sha: c.sha,
    message: c.message,
    author: { ...c.author, login: accountOf(c.author) },
    committer: { ...c.committer, login: accountOf(c.committer) },
    parents: c === root ? [] : c.parents.filter((p) => bySha.has(p)),
    additions: c.additions,
    deletions: c.deletions,
    ...(withFiles ? { files: filesOf(c) } : {}),
  });
  const out: WorldRecord[] = [];
  const worldCommits = commits.map((c) => worldCommit(c, c.mainline));

  // --- Changes, in first-parent order.
  const claimed = new Set<string>();
  const numbers = new Set<number>();
  const changes: Change[] = [];
  for (let position = 1; position < mainline.length; position++) {
    const c = mainline[position] as ReplayCommit;
    const prev = mainline[position - 1] as ReplayCommit;
    if (c.committer.date < prev.committer.date) notes.clockSkew.push(c.sha);
    if (c.committer.date === prev.committer.date) notes.clockTies.push(c.sha);
    const subject = c.message.split("\n", 1)[0] ?? "";
    const rest = c.message.slice(subject.length).replace(/^\n+/, "");
    // A merge commit says "Merge pull request #N from owner/branch", or (a repository set to
    // title its merge commits with the pull request's title) "<title> (#N)", like a squash.
    const classic = c.parents.length === 2 ? MERGE_SUBJECT.exec(subject) : null;
    const titled = c.parents.length <= 2 ? SQUASH_SUBJECT.exec(subject) : null;
    const merge = c.parents.length === 2 && (classic !== null || titled !== null);
    const squash = c.parents.length === 1 ? titled : null;
    let number = classic ? Number(classic[1]) : titled ? Number(titled[2]) : null;
    if (number !== null && numbers.has(number)) {
      notes.duplicateNumbers.push(number);
      number = null;
    }
    if (c.label === null) notes.unlabelled.push(c.sha);
    let prCommits: WorldCommit[];
    let title = subject;
    let cls: VerdictClass = c.label?.class ?? "human";
    let tool = c.label?.tool ?? null;
    let family = c.label?.family ?? "unlabelled";
    let author = accountOf(c.author);
    let body = rest;
    let headRef = `pr-${number}`;
    if (number !== null && merge) {
      const own = branchCommitsOf(c.parents[1] as string, bySha, claimed).sort(
        (a, b) => (branchOrder.get(a.sha) ?? 0) - (branchOrder.get(b.sha) ?? 0),
      );
      for (const b of own) claimed.add(b.sha);
      prCommits = own.map((b) => worldCommits.find((w) => w.sha === b.sha) as WorldCommit);
      if (prCommits.length === 0) prCommits = [synthesised(c, repo, accountOf)];
      title = classic === null ? (titled?.[1] as string) : rest.split("\n", 1)[0]?.trim() || subject;
      body = classic === null ? rest : rest.split("\n").slice(1).join("\n").trim();
      headRef = classic?.[2]?.replace(/^[^/]+\//, "") ?? headRef;
      // The strongest evidence first: a branch name in the merge subject is medium confidence.
      const labelled = [c, ...own].filter((x) => x.label?.class === "ai");
      const ai = labelled.find((x) => x.label?.family !== MEDIUM_FAMILY) ?? labelled[0];
      if (ai !== undefined) {
        cls = "ai";
        tool = ai.label?.tool ?? null;
        family = ai.label?.family ?? family;
      } else if (c.label?.class !== "bot") {
        cls = own.length > 0 && own.every((x) => x.label?.class === "bot") ? "bot" : "human";
      }
      const tip = own.at(-1);
      author = tip === undefined ? author : accountOf(tip.author);
    } else if (number !== null && squash) {
      title = squash[1] as string;
      body = rest;
      prCommits = [synthesised(c, repo, accountOf)];
    } else {
      prCommits = [worldCommits[commits.indexOf(c)] as WorldCommit];
    }
    numbers.add(number ?? 0);
    const files = filesOf(c);
    const mergedBy = merge && number !== null ? human(accountOf(c.author)) : null;
    const firstAuthored = prCommits.map((x) => x.author.date).sort()[0] ?? c.author.date;
    changes.push({
      key: number === null ? `${repo}@${c.sha}` : `${repo}#${number}`,
      kind: number === null ? "direct_push" : "pull_request",
      number,
      title,
      body,
      headRef,
      landing: c,
      commits: prCommits,
      position,
      cls,
      tool,
      family,
      author,
      mergedBy,
      credited: creditOf(cls, author, prCommits, mergedBy, users, human),
      files,
      lines: c.additions + c.deletions,
      trivial: trivialOf(files),
      mergedAt: c.committer.date,
      createdAt: [firstAuthored, c.committer.date].sort()[0] as string,
      revertOf: null,
      revertedBy: null,
      revertedWithin14Days: false,
      deployment: null,
      deployedAt: null,
    });
  }

  // --- Reverts: "This reverts commit <sha>" (git revert), else `Revert "<title> (#N)"`, else the title.
  const byCommit = new Map<string, Change>();
  for (const ch of changes) {
    byCommit.set(ch.landing.sha, ch);
    for (const x of ch.commits) byCommit.set(x.sha, ch);
  }
  const byNumber = new Map(changes.flatMap((ch) => (ch.number === null ? [] : [[ch.number, ch] as const])));
  for (const ch of changes) {
    // What `git revert` recorded in any of its commits (a pull request may carry one revert
    // commit among others: it still undoes that change).
    const messages = [ch.landing.message, ...ch.commits.map((x) => x.message)];
    const shas = messages.flatMap((m) => [...m.matchAll(REVERTS_COMMIT)].map((x) => x[1] as string));
    const quoted = REVERT_TITLE.exec(ch.title.trim())?.[1];
    // Itself a revert (METRICS.md): its title, `git revert`'s line in a pushed commit, or in
    // every commit of a pull request (a feature PR with one interim revert commit is no revert).
    const own = ch.kind === "direct_push" ? [ch.landing.message] : ch.commits.map((x) => x.message);
    const isRevert =
      quoted !== undefined || (shas.length > 0 && own.every((m) => /This reverts commit [0-9a-f]{7,40}/.test(m)));
    const targets = new Set<Change>();
    for (const s of shas) {
      for (const [sha, target] of byCommit) if (sha.startsWith(s) && target !== ch) targets.add(target);
    }
    if (targets.size === 0 && quoted !== undefined) {
      const n = SQUASH_SUBJECT.exec(quoted.trim())?.[2];
      const target =
        (n === undefined ? undefined : byNumber.get(Number(n))) ??
        changes.find((o) => o !== ch && o.position < ch.position && o.title.trim() === quoted.trim());
      if (target !== undefined) targets.add(target);
    }
    if (isRevert) ch.revertOf = [...targets][0]?.key ?? `${repo}@${shas[0] ?? "unknown"}`;
    for (const target of targets) {
      if (target.position >= ch.position) continue;
      const within = Date.parse(ch.mergedAt) - Date.parse(target.mergedAt) <= REVERT_WINDOW_MS;
      if (target.revertedBy === null || (within && !target.revertedWithin14Days)) {
        target.revertedBy = ch.key;
        target.revertedWithin14Days ||= within;
      }
    }
  }

  // --- Deployments, from the repository's shape.
  const deployments: TruthDeployment[] = [];
  const tags = records.filter((r): r is ReplayTag => r.type === "tag");
  const positionOf = new Map(mainline.map((c, i) => [c.sha, i] as const));
  if (header.deploy.kind === "merge") {
    for (const ch of changes) {
      ch.deployment = ch.landing.sha;
      ch.deployedAt = ch.mergedAt;
      deployments.push(truthDeployment(repo, "merge", ch.landing.sha, ch.landing.sha, ch.mergedAt, [ch]));
    }
  } else {
    const re = new RegExp(header.deploy.pattern);
    const live = tags
      .filter((t) => re.test(t.name) && positionOf.has(t.sha))
      .sort((a, b) => a.taggedAt.localeCompare(b.taggedAt) || (a.name < b.name ? -1 : 1));
    let shippedUpTo = -1;
    let previous: { d: TruthDeployment; position: number } | null = null;
    let maxPosition = -1;
    for (const t of live) {
      const position = positionOf.get(t.sha) as number;
      if (position < maxPosition) notes.tagsOutOfOrder.push(t.name);
      maxPosition = Math.max(maxPosition, position);
      const shipped =
        position > shippedUpTo
          ? changes.filter(
              (ch) =>
                ch.position > shippedUpTo &&
                ch.position <= position &&
                (previous !== null || Date.parse(ch.mergedAt) >= Date.parse(t.taggedAt) - LOOKBACK_MS),
            )
          : [];
      const d = truthDeployment(repo, "tag", t.name, t.sha, t.taggedAt, shipped);
      if (previous !== null && position < previous.position) previous.d.rolledBack = true;
      if (previous !== null && position < previous.position) d.rollback = true;
      for (const ch of shipped) {
        ch.deployment = t.name;
        ch.deployedAt = t.taggedAt;
      }
      shippedUpTo = Math.max(shippedUpTo, position);
      previous = { d, position };
      deployments.push(d);
    }
  }
  for (const d of deployments) {
    const keys = new Set(d.changes);
    d.shippedRevertedChange = changes.some((ch) => keys.has(ch.key) && ch.revertedWithin14Days);
    d.failed = d.failedAfterLive || d.rolledBack || d.shippedRevertedChange || d.incident;
  }

  // --- The records.
  out.push({
    type: "header",
    format: WORLD_FORMAT,
    version: WORLD_FORMAT_VERSION,
    seed: 0,
    generator: `replayWorld ${repo} ${header.mirrorHead.slice(0, 12)} ${header.since}..${header.until}`,
    now,
    start,
    sizes: {
      engineers: [...users.values()].filter((u) => u.kind === "human").length,
      teams: 0,
      repositories: 1,
      pullRequests: changes.filter((c) => c.number !== null).length,
      commits: commits.length,
    },
  });
  out.push({
    type: "org",
    login: org,
    id: idOf(org),
    nodeId: `O_${hash(org).slice(0, 12)}`,
    name: org,
    createdAt: "2015-01-01T00:00:00Z",
  });
  out.push(...users.values());
  const trunkBased = changes.some((c) => c.kind === "direct_push");
  out.push({
    type: "repo",
    org,
    name,
    id: idOf(repo),
    nodeId: `R_${hash(repo).slice(0, 12)}`,
    description: `${repo}, replayed from its public history`,
    defaultBranch: "main",
    visibility: "public",
    createdAt: "2015-01-01T00:00:00Z",
    ownerTeam: null,
    deployMethod: header.deploy.kind === "merge" ? { kind: "merge" } : { kind: "tags", pattern: header.deploy.pattern },
    trunkBased,
  });
  const synthesisedCommits = changes.flatMap((ch) =>
    ch.number !== null ? ch.commits.filter((x) => !bySha.has(x.sha)) : [],
  );
  out.push(...worldCommits, ...synthesisedCommits);
  out.push({ type: "branch", repo, name: "main", sha: (mainline.at(-1) as ReplayCommit).sha });
  for (const t of tags)
    out.push({ type: "tag", repo, name: t.name, sha: t.sha, taggedAt: t.taggedAt, annotated: t.annotated });
  for (const ch of changes) if (ch.number !== null) out.push(pullOf(ch, repo));
  for (const ch of changes) out.push(truthChange(ch, repo));
  out.push(...deployments);
  return { records: out, notes };
}

/** A replay history file (gzipped JSON Lines, as scripts/replay-world.ts writes it). */
export function readReplayHistory(path: string): ReplayRecord[] {
  const text = gunzipSync(readFileSync(path)).toString("utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as ReplayRecord);
}

function filesOf(c: ReplayCommit): WorldFile[] {
  return c.files.map(([path, additions, deletions]) => ({ path, additions, deletions, status: "modified" as const }));
}

/** METRICS.md's trivial rule on the real numstat: at most 5 lines outside lock/generated files, or only such files. */
function trivialOf(files: readonly WorldFile[]): boolean {
  const counted = files.filter((f) => !IGNORED.test(f.path));
  if (files.length > 0 && counted.length === 0) return true;
  return counted.reduce((n, f) => n + f.additions + f.deletions, 0) <= 5;
}

/** The second parent's commits not reachable from the first parent (nor claimed by an earlier merge). */
function branchCommitsOf(tip: string, bySha: Map<string, ReplayCommit>, claimed: Set<string>): ReplayCommit[] {
  const seen = new Set<string>();
  const stack = [tip];
  const found: ReplayCommit[] = [];
  while (stack.length > 0) {
    const sha = stack.pop() as string;
    if (seen.has(sha) || claimed.has(sha)) continue;
    seen.add(sha);
    const c = bySha.get(sha);
    if (c === undefined || c.mainline) continue;
    found.push(c);
    stack.push(...c.parents);
  }
  return found;
}

/** The branch commit of a squash merge (git keeps only the squash): same message, author and lines. */
function synthesised(
  c: ReplayCommit,
  repo: string,
  accountOf: (who: { name: string; email: string }) => string | null,
): WorldCommit {
  return {
    type: "commit",
    repo,
    sha: hash(`replay-branch ${c.sha}`),
    // Its title and the squash's trailers (co-authors), not the squash body's list of branch commits.
    message: [
      (c.message.split("\n", 1)[0] ?? "").replace(/ \(#\d+\)$/, ""),
      c.message
        .split("\n")
        .filter((l) => /^[ \t]*[\w-]+-by:/i.test(l))
        .join("\n"),
    ]
      .filter((p) => p !== "")
      .join("\n\n"),
    author: { ...c.author, login: accountOf(c.author) },
    committer: { ...c.author, login: accountOf(c.author) },
    parents: c.parents.slice(0, 1),
    additions: c.additions,
    deletions: c.deletions,
  };
}

/** METRICS.md "Credited person": the human author; for an agent's or bot's change, a human co-author, else the merger. */
function creditOf(
  cls: VerdictClass,
  author: string | null,
  commits: readonly WorldCommit[],
  mergedBy: string | null,
  users: Map<string, WorldUser>,
  human: (login: string | null) => string | null,
): string | null {
  if (human(author) !== null) return author;
  if (cls === "bot" || (author !== null && users.get(author)?.kind === "bot")) return null;
  for (const c of commits) {
    for (const m of c.message.matchAll(/^co-authored-by:\s*.*<([^>]+)>/gim)) {
      const email = (m[1] ?? "").toLowerCase();
      for (const u of users.values())
        if (u.kind === "human" && u.emails.some((e) => e.toLowerCase() === email)) return u.login;
    }
  }
  return mergedBy;
}

function pullOf(ch: Change, repo: string): WorldPull {
  const n = ch.number as number;
  return {
    type: "pull",
    repo,
    number: n,
    id: 1_000_000 + n,
    nodeId: `PR_${n}`,
    title: ch.title,
    body: ch.body,
    author: ch.author ?? "ghost",
    state: "closed",
    draft: false,
    headRef: ch.headRef,
    headSha: (ch.commits.at(-1) as WorldCommit).sha,
    baseRef: "main",
    baseSha: ch.landing.parents[0] as string,
    labels: [],
    createdAt: ch.createdAt,
    updatedAt: ch.mergedAt,
    closedAt: ch.mergedAt,
    mergedAt: ch.mergedAt,
    mergedBy: ch.mergedBy,
    mergeMethod: ch.landing.parents.length === 2 ? "merge" : "squash",
    assignees: [],
    requestedReviewers: [],
    requestedTeams: [],
    reviews: [],
    commits: ch.commits.map((c) => c.sha),
    mergeCommitSha: ch.landing.sha,
    resultCommits: [ch.landing.sha],
    additions: ch.landing.additions,
    deletions: ch.landing.deletions,
    changedFiles: ch.files.length,
    files: ch.files,
  };
}

function truthChange(ch: Change, repo: string): TruthChange {
  return {
    type: "truth-change",
    repo,
    key: ch.key,
    kind: ch.kind,
    number: ch.number,
    sha: ch.landing.sha,
    mergedAt: ch.mergedAt,
    class: ch.cls,
    tools: ch.cls === "ai" && ch.tool !== null ? [ch.tool as AiTool] : [],
    subtype: null,
    form: `replay.${ch.family}`,
    observable: true,
    markerConfidence: ch.cls !== "ai" ? null : ch.family === MEDIUM_FAMILY ? "medium" : "high",
    hardNegative: ch.family === "tool-mention" ? "prose-mention" : null,
    credited: ch.credited,
    lines: ch.lines,
    whitespaceLines: 0,
    formatOnly: false,
    trivial: ch.trivial,
    revertOf: ch.revertOf,
    revertedBy: ch.revertedBy,
    revertedWithin14Days: ch.revertedWithin14Days,
    gaming: false,
    deployment: ch.deployment,
    deployedAt: ch.deployedAt,
  };
}

function truthDeployment(
  repo: string,
  source: "tag" | "merge",
  externalId: string,
  sha: string,
  at: string,
  shipped: readonly Change[],
): TruthDeployment {
  return {
    type: "truth-deployment",
    repo,
    source,
    externalId,
    environment: "production",
    sha,
    production: true,
    at,
    offBranch: false,
    failedAfterLive: false,
    rolledBack: false,
    rollback: false,
    changes: shipped.map((c) => c.key),
    shippedRevertedChange: false,
    incident: false,
    failed: false,
  };
}
