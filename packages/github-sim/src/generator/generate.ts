import type { AiTool } from "@yardstick/core";
import { diffShape } from "../world/patch.js";
import type { GAMER_STRATEGIES } from "../world/schema.js";
import {
  type DeployMethod,
  type TruthChange,
  type TruthDeployment,
  WORLD_FORMAT,
  WORLD_FORMAT_VERSION,
  type WorldCommit,
  type WorldDeployment,
  type WorldDeploymentStatus,
  type WorldFile,
  type WorldPull,
  type WorldRecord,
  type WorldReview,
  type WorldUser,
} from "../world/schema.js";
import {
  type Account,
  AI_FORMS,
  BOT_ACCOUNTS,
  buildForm,
  FORMS_BY_TOOL,
  type FormSpec,
  type Ident,
  TOOL_POPULARITY,
} from "./forms.js";
import { generateIssues } from "./incidents.js";
import { Prng } from "./prng.js";
import {
  AI_LIKE_NAMES,
  AI_PACKAGES,
  AREAS,
  FIRST_NAMES,
  FOLLOW_UPS,
  LAST_NAMES,
  LOCK_FILES,
  OBJECTS,
  PACKAGES,
  PROSE_MENTIONS,
  REPO_NOUNS,
  TEAM_NAMES,
  VERBS,
} from "./vocabulary.js";

export interface GenerateOptions {
  seed: number;
  engineers: number;
  teams: number;
  repositories: number;
  weeks: number;
  /** The world's now (ISO). Default 2026-11-23T00:00:00Z, a Monday. */
  now?: string;
  /** Organisation login. Default "acme". */
  org?: string;
  /** Mean PRs opened per engineer-week (default 2). Ignored when `mergedPullRequests` is set. */
  pullsPerEngineerWeek?: number;
  /** Aim for about this many merged human/AI pull requests (bots come on top). */
  mergedPullRequests?: number;
  /**
   * Share of production deployments that get an incident issue naming them (default 0.03; 0:
   * no issues at all, not even noise).
   */
  incidentRate?: number;
  /** The label incident issues carry (default "incident"; written to the header's `incidentLabel`). */
  incidentLabel?: string;
  /**
   * Gamers to add instead of the default ones (a `burst` and a `token-heavy` gamer per 100
   * engineers): one engineer per strategy (`rubber-stamp`: a pair), the last engineers of the
   * world, each gaming in the world's middle week (see `GamerStrategy`). Their gaming changes are
   * `truth-change.gaming`, their strategy `truth-person.gaming`.
   */
  gamers?: readonly GamerStrategy[];
}

/**
 * How a gamer tries to raise the figures (docs/simulator.md), in the world's middle week:
 * - `burst`: trivial busywork, 25 AI-assisted pull requests of 1-3 lines;
 * - `spike`: a volume spike, 30 AI-assisted pull requests of real size (20-150 lines), reviewed;
 * - `revert-churn`: 4 round trips of an AI-assisted change merged and reverted 1-2 days later by
 *   the same person; `agent-revert-churn`: the same, the reverts opened by the Copilot agent;
 * - `splitting`: one piece of work (about 180 lines) cut into 12 AI-assisted pull requests of 10-20 lines, reviewed;
 * - `self-merge`: 6 AI-assisted pull requests merged by their author with no review;
 * - `token-heavy`: token burn with nothing shipped (heavy usage every working day, no AI work);
 * - `rubber-stamp`: a pair who approve each other's AI-assisted pull requests within a minute of
 *   their opening, 6 each a week, in the middle week and the next.
 */
export type GamerStrategy = (typeof GAMER_STRATEGIES)[number];

export const GENERATOR_NAME = "yardstick-github-sim generator 1";
const DEFAULT_NOW = "2026-11-23T00:00:00Z";
const WEEK = 604_800;
const DAY = 86_400;
const HOUR = 3_600;
const GITHUB: Ident = { name: "GitHub", email: "noreply@github.com", login: null };

/** Epoch seconds to `YYYY-MM-DDTHH:MM:SSZ`. */
export function iso(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}

interface Person {
  idx: number;
  login: string;
  id: number;
  name: string;
  email: string;
  noreply: string;
  joinedAt: number;
  leftAt: number | null;
  leave: [number, number][];
  teams: number[];
  repos: number[];
  aiRate: number;
  tools: AiTool[];
  rateMul: number;
  gaming: GamerStrategy | null;
  aiLikeName: boolean;
  /** Works from an AI company's email domain (a hard negative: a domain proves nothing). */
  aiCompanyEmail: boolean;
}

type BotKind = "dependabot" | "renovate" | "actions";

interface Plan {
  kind: "pr" | "push";
  createdAt: number;
  mergeAt: number | null;
  closeAt: number | null;
  author: Person | null;
  bot: BotKind | null;
  spec: FormSpec;
  title: string;
  slug: string;
  body: string;
  headRef: string;
  commitCount: number;
  files: WorldFile[];
  trivial: boolean;
  gaming: boolean;
  revertOf: Plan | null;
  /** How a revert names what it reverts (null: not a revert). */
  revertForm: RevertForm | null;
  revertedBy: Plan | null;
  reviewer: Person | null;
  /** Approved by the reviewer at this time, for certain (rubber-stamp gamers). */
  approveAt: number | null;
  mergeMethod: "merge" | "squash" | "rebase";
  number: number;
  labels: string[];
  // Filled when merged.
  sha: string;
  pos: number;
  key: string;
  mergedAt: number;
  deployment: TruthDeployment | null;
  deployedAt: number | null;
}

interface Ids {
  pull: number;
  review: number;
  deployment: number;
  status: number;
  run: number;
  release: number;
  issue: number;
}

interface Context {
  o: Required<Omit<GenerateOptions, "mergedPullRequests" | "gamers">> & {
    mergedPullRequests: number | null;
    gamers: readonly GamerStrategy[] | null;
  };
  org: string;
  now: number;
  start: number;
  people: Person[];
  teamSlugs: string[];
  teamMembers: number[][];
  ids: Ids;
  /** `${person}|${day}|${tool}` -> AI changes opened that day. */
  aiWork: Map<string, number>;
  burstWeek: number;
}

/**
 * Generates a world, streaming: header, org, users, teams and repositories first, then each
 * repository's commits, branch, pulls, tags, releases, deployments, workflow runs and ground
 * truth, repository by repository, then usage. Deterministic: the same options give the same
 * records (and bytes) every time. Each repository draws from its own seeded stream.
 */
export function* generateWorld(options: GenerateOptions): Generator<WorldRecord> {
  const o = {
    seed: options.seed >>> 0,
    engineers: Math.max(3, Math.floor(options.engineers)),
    teams: Math.max(1, Math.floor(options.teams)),
    repositories: Math.max(1, Math.floor(options.repositories)),
    weeks: Math.max(1, Math.floor(options.weeks)),
    now: options.now ?? DEFAULT_NOW,
    org: options.org ?? "acme",
    pullsPerEngineerWeek: options.pullsPerEngineerWeek ?? 2,
    mergedPullRequests: options.mergedPullRequests ?? null,
    incidentRate: Math.max(0, Math.min(1, options.incidentRate ?? 0.03)),
    incidentLabel: options.incidentLabel ?? "incident",
    gamers: options.gamers ?? null,
  };
  o.teams = Math.min(o.teams, Math.floor(o.engineers / 3));
  const now = Math.floor(Date.parse(o.now) / 1000);
  if (!Number.isFinite(now)) throw new Error(`generateWorld: "now" must be an ISO time, e.g. "${DEFAULT_NOW}"`);
  const start = now - o.weeks * WEEK;
  const ctx: Context = {
    o,
    org: o.org,
    now,
    start,
    people: [],
    teamSlugs: [],
    teamMembers: [],
    ids: {
      pull: 3_000_000_000,
      review: 4_000_000_000,
      deployment: 2_000_000_000,
      status: 5_000_000_000,
      run: 9_000_000_000,
      release: 200_000_000,
      issue: 2_600_000_000,
    },
    aiWork: new Map(),
    burstWeek: Math.floor(o.weeks / 2),
  };
  makePeople(ctx);
  makeTeams(ctx);
  if (o.mergedPullRequests !== null) {
    let personWeeks = 0;
    for (const p of ctx.people) for (let w = 0; w < o.weeks; w++) if (activeInWeek(ctx, p, w)) personWeeks += p.rateMul;
    o.pullsPerEngineerWeek = o.mergedPullRequests / (0.9 * Math.max(1, personWeeks));
  }

  yield {
    type: "header",
    format: WORLD_FORMAT,
    version: WORLD_FORMAT_VERSION,
    seed: o.seed,
    generator: GENERATOR_NAME,
    now: iso(now),
    start: iso(start),
    sizes: {
      engineers: o.engineers,
      teams: o.teams,
      repositories: o.repositories,
      weeks: o.weeks,
      ...(o.mergedPullRequests === null ? {} : { mergedPullRequests: o.mergedPullRequests }),
    },
    incidentLabel: o.incidentLabel,
  };
  yield {
    type: "org",
    login: ctx.org,
    id: 90_000_001,
    nodeId: `O_kgDO${ctx.org}`,
    name: capital(ctx.org),
    createdAt: iso(start - 5 * 365 * DAY),
  };
  yield* userRecords(ctx);
  for (let t = 0; t < o.teams; t++) {
    const everyone = (ctx.teamMembers[t] ?? []).map((i) => ctx.people[i] as Person);
    const members = everyone.filter((p) => p.leftAt === null).map((p) => p.login);
    const formerMembers = everyone.filter((p) => p.leftAt !== null).map((p) => p.login);
    yield {
      type: "team",
      org: ctx.org,
      id: 7_000_000 + t,
      nodeId: `T_kwDO${(7_000_000 + t).toString(36)}`,
      slug: ctx.teamSlugs[t] as string,
      name: teamName(t),
      description: `The ${teamName(t)} team`,
      privacy: "closed",
      parent: t % 4 === 1 ? (ctx.teamSlugs[t - 1] ?? null) : null,
      members,
      maintainers: members.slice(0, 1),
      formerMembers,
    };
  }
  for (let r = 0; r < o.repositories; r++) yield repoRecord(ctx, r);
  for (let r = 0; r < o.repositories; r++) yield* generateRepo(ctx, r);
  yield* usageRecords(ctx);
  for (const p of ctx.people) {
    yield {
      type: "truth-person",
      login: p.login,
      tools: p.aiRate > 0 ? p.tools : [],
      gaming: p.gaming,
      aiLikeName: p.aiLikeName,
    };
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40)
    .replace(/-$/, "");
}

function teamName(t: number): string {
  const base = TEAM_NAMES[t % TEAM_NAMES.length] as string;
  return t < TEAM_NAMES.length ? base : `${base} ${Math.floor(t / TEAM_NAMES.length) + 1}`;
}

function repoName(r: number): string {
  const base = REPO_NOUNS[r % REPO_NOUNS.length] as string;
  return r < REPO_NOUNS.length ? base : `${base}-${Math.floor(r / REPO_NOUNS.length) + 1}`;
}

/** Deployment method by repository: every method appears once in any five consecutive repos. */
export function deployMethodOf(r: number): DeployMethod {
  switch (r % 5) {
    case 0:
      return { kind: "deployments", environment: "production" };
    case 1:
      return { kind: "releases" };
    case 2:
      return { kind: "tags", pattern: "^v\\d+\\.\\d+\\.\\d+$" };
    case 3:
      return { kind: "workflow", name: "Deploy", path: ".github/workflows/deploy.yml" };
    default:
      return { kind: "merge" };
  }
}

function isTrunkBased(r: number): boolean {
  return r % 25 === 5;
}

// -- people and teams ----------------------------------------------------------------------

function makePeople(ctx: Context): void {
  const rng = new Prng(ctx.o.seed, "people");
  const { engineers, weeks } = ctx.o;
  const seen = new Map<string, number>();
  const gamers = Math.max(1, Math.round(engineers / 100));
  // Configured strategies, one engineer each (a rubber-stamp pair is two).
  const configured = ctx.o.gamers === null ? null : ctx.o.gamers.flatMap((g) => (g === "rubber-stamp" ? [g, g] : [g]));
  for (let i = 0; i < engineers; i++) {
    const aiLike = i % 97 === 11 || i % 97 === 23 || (i === 3 && engineers < 97) || (i === 7 && engineers < 97);
    const name = aiLike
      ? (AI_LIKE_NAMES[(i * 7) % AI_LIKE_NAMES.length] as string)
      : `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    let login = slugify(name);
    const n = seen.get(login) ?? 0;
    seen.set(login, n + 1);
    if (n > 0) login = `${login}-${n + 1}`;
    const id = 1_000_000 + i * 13;
    const windowLen = weeks * WEEK;
    let joinedAt =
      rng.chance(0.08) && i > 2
        ? ctx.start + rng.int(0, Math.floor(windowLen * 0.8))
        : ctx.start - rng.int(30, 2000) * DAY;
    let leftAt: number | null = null;
    if (rng.chance(0.06) && i > 2)
      leftAt = Math.max(joinedAt + 2 * WEEK, ctx.start + rng.int(Math.floor(windowLen * 0.2), windowLen - DAY));
    if (leftAt !== null && leftAt >= ctx.now) leftAt = null;
    const leave: [number, number][] = [];
    if (rng.chance(0.08) && weeks >= 6) {
      const from = ctx.start + rng.int(1, weeks - 5) * WEEK;
      leave.push([from, from + rng.int(1, 4) * WEEK]);
    }
    // At least one joiner, one leaver and one person on leave in any world of 10 or more.
    if (i === 5) joinedAt = ctx.start + Math.floor(windowLen / 3);
    if (i === 6) leftAt = ctx.start + Math.floor(windowLen / 2);
    if (i === 8 && leave.length === 0 && weeks >= 4) {
      const from = ctx.start + Math.floor(weeks / 4) * WEEK;
      leave.push([from, from + 2 * WEEK]);
    }
    const adoption = rng.weighted([
      ["none", 25],
      ["some", 40],
      ["heavy", 35],
    ] as const);
    let aiRate = adoption === "none" ? 0 : adoption === "some" ? 0.2 + rng.float() * 0.35 : 0.6 + rng.float() * 0.35;
    const tools: AiTool[] = [rng.weighted(TOOL_POPULARITY)];
    if (rng.chance(0.3)) {
      const second = rng.weighted(TOOL_POPULARITY);
      if (second !== tools[0]) tools.push(second);
    }
    let gaming: Person["gaming"] = null;
    let rateMul = 0.5 + rng.float();
    // Gamers: the last few engineers, so that changing the count keeps everyone else the same.
    if (configured !== null) {
      const k = i - (engineers - configured.length);
      if (k >= 0 && i > 4) gaming = configured[k] as GamerStrategy;
    } else if (i >= engineers - gamers && i > 4) gaming = "burst";
    else if (i >= engineers - 2 * gamers && i > 4) gaming = "token-heavy";
    if (gaming === "token-heavy") {
      aiRate = 0;
      rateMul = 0.25;
      tools[0] = "claude-code";
    } else if (gaming !== null) {
      aiRate = Math.max(aiRate, 0.5);
      tools[0] = "claude-code";
    }
    if (gaming !== null) {
      leftAt = null;
      leave.length = 0;
      joinedAt = Math.min(joinedAt, ctx.start - 30 * DAY);
    }
    ctx.people.push({
      idx: i,
      login,
      id,
      name,
      email:
        i % 97 === 9
          ? `${login.replaceAll("-", ".")}@${i % 2 === 0 ? "anthropic" : "openai"}.com`
          : `${login.replaceAll("-", ".")}@${ctx.org}.com`,
      noreply: `${id}+${login}@users.noreply.github.com`,
      joinedAt,
      leftAt,
      leave,
      teams: [],
      repos: [],
      aiRate,
      tools,
      rateMul,
      gaming,
      aiLikeName: aiLike,
      aiCompanyEmail: i % 97 === 9,
    });
  }
}

function makeTeams(ctx: Context): void {
  const rng = new Prng(ctx.o.seed, "teams");
  const { teams: T, engineers: E, repositories: R } = ctx.o;
  const sizes = new Array<number>(T).fill(3);
  let remaining = E - 3 * T;
  const flexible: number[] = [];
  for (let t = 1; t < T; t++) flexible.push(t);
  if (T >= 3 && remaining >= 57) {
    sizes[T - 1] = 60;
    remaining -= 57;
    flexible.pop();
  }
  // Team 0 stays at 3; the rest share what is left, by random weights, capped at 60.
  const weights = flexible.map(() => 0.3 + rng.float());
  while (remaining > 0 && flexible.some((t) => (sizes[t] as number) < 60)) {
    const total = flexible.reduce((s, t, i) => s + ((sizes[t] as number) < 60 ? (weights[i] as number) : 0), 0);
    let placed = 0;
    for (let i = 0; i < flexible.length && remaining > 0; i++) {
      const t = flexible[i] as number;
      if ((sizes[t] as number) >= 60) continue;
      const add = Math.min(
        60 - (sizes[t] as number),
        remaining,
        Math.max(1, Math.floor((remaining * (weights[i] as number)) / total)),
      );
      sizes[t] = (sizes[t] as number) + add;
      remaining -= add;
      placed += add;
    }
    if (placed === 0) break;
  }
  if (T === 1) sizes[0] = Math.min(60, E);
  const order = rng.shuffle(ctx.people.map((p) => p.idx));
  ctx.teamMembers = sizes.map(() => []);
  let k = 0;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < (sizes[t] as number) && k < order.length; j++) {
      const p = ctx.people[order[k++] as number] as Person;
      p.teams.push(t);
      (ctx.teamMembers[t] as number[]).push(p.idx);
    }
  }
  // A few people are in a second team.
  for (const p of ctx.people) {
    if (T > 1 && rng.chance(0.05)) {
      const t = rng.int(0, T - 1);
      if (!p.teams.includes(t) && (ctx.teamMembers[t] as number[]).length < 60) {
        p.teams.push(t);
        (ctx.teamMembers[t] as number[]).push(p.idx);
      }
    }
  }
  for (const members of ctx.teamMembers) members.sort((a, b) => a - b);
  const used = new Map<string, number>();
  ctx.teamSlugs = sizes.map((_, t) => {
    const s = slugify(teamName(t));
    const n = used.get(s) ?? 0;
    used.set(s, n + 1);
    return n === 0 ? s : `${s}-${n + 1}`;
  });
  const teamRepos: number[][] = sizes.map(() => []);
  for (let r = 0; r < R; r++) (teamRepos[r % T] as number[]).push(r);
  for (let t = 0; t < T; t++) if ((teamRepos[t] as number[]).length === 0) (teamRepos[t] as number[]).push(t % R);
  for (const p of ctx.people) {
    const repos = new Set<number>();
    for (const t of p.teams) for (const r of teamRepos[t] as number[]) repos.add(r);
    if (repos.size === 0) repos.add(p.idx % R);
    p.repos = [...repos].sort((a, b) => a - b);
  }
}

function activeInWeek(ctx: Context, p: Person, w: number): boolean {
  const mid = ctx.start + w * WEEK + 3 * DAY;
  if (p.joinedAt > mid) return false;
  if (p.leftAt !== null && p.leftAt <= mid) return false;
  return !p.leave.some(([from, to]) => from <= mid && mid < to);
}

function* userRecords(ctx: Context): Generator<WorldUser> {
  for (const p of ctx.people) {
    yield {
      type: "user",
      login: p.login,
      id: p.id,
      nodeId: `U_kgDO${p.id.toString(36)}`,
      accountType: "User",
      kind: "human",
      name: p.name,
      emails: [p.email, p.noreply],
      createdAt: iso(Math.min(p.joinedAt, ctx.start) - 400 * DAY),
      memberships: [
        {
          org: ctx.org,
          role: p.idx === 0 ? "admin" : "member",
          joinedAt: iso(p.joinedAt),
          leftAt: p.leftAt === null ? null : iso(p.leftAt),
        },
      ],
      onLeave: p.leave.map(([from, to]) => ({ from: iso(from), to: iso(to) })),
    };
  }
  for (const a of Object.values(BOT_ACCOUNTS) as Account[]) {
    yield {
      type: "user",
      login: a.login,
      id: a.id,
      nodeId: `BOT_kgDO${a.id.toString(36)}`,
      accountType: "Bot",
      kind: a.kind,
      name: a.name,
      emails: [a.email],
      createdAt: "2019-01-01T00:00:00Z",
      memberships: [],
      onLeave: [],
    };
  }
}

function repoRecord(ctx: Context, r: number): WorldRecord {
  const T = ctx.o.teams;
  return {
    type: "repo",
    org: ctx.org,
    name: repoName(r),
    id: 500_000_000 + r,
    nodeId: `R_kgDO${(500_000_000 + r).toString(36)}`,
    description: `The ${repoName(r)} service`,
    defaultBranch: r % 7 === 6 ? "master" : "main",
    visibility: r % 3 === 0 ? "internal" : "private",
    createdAt: iso(ctx.start - (400 + r) * DAY),
    ownerTeam: ctx.teamSlugs[r % T] ?? null,
    deployMethod: deployMethodOf(r),
    trunkBased: isTrunkBased(r),
  };
}

// -- one repository --------------------------------------------------------------------------

/** A working-hours moment in week `w` (mostly Monday to Friday, 08:00-19:00 UTC). */
function workTime(rng: Prng, ctx: Context, w: number): number {
  const day = rng.chance(0.06) ? rng.int(5, 6) : rng.int(0, 4);
  return ctx.start + w * WEEK + day * DAY + rng.int(8, 18) * HOUR + rng.int(0, HOUR - 1);
}

function humanSpec(hardNegative: string | null = null, form = "human"): FormSpec {
  return { form, class: "human", tools: [], subtype: null, observable: true, markerConfidence: null, hardNegative };
}

/** Everything the coverage schedule walks through in each repository. */
const COVERAGE: readonly string[] = [
  ...Object.keys(AI_FORMS),
  "claude-code.unmarked",
  "cursor.unmarked",
  "copilot.unmarked",
  "hn:prose-mention",
  "hn:aider-committer",
  "hn:replit-deployment",
];

function makeFiles(rng: Prng, lines: number, trivial: boolean, lockOnly: boolean): WorldFile[] {
  if (lockOnly)
    return [
      {
        path: rng.pick(LOCK_FILES),
        additions: Math.ceil(lines / 2),
        deletions: Math.floor(lines / 2),
        status: "modified",
      },
    ];
  const n = trivial ? 1 : Math.min(40, 1 + Math.floor((rng.float() * lines) / 40));
  const files: WorldFile[] = [];
  let left = lines;
  for (let i = 0; i < n; i++) {
    const share = i === n - 1 ? left : Math.max(0, Math.round(left * (0.2 + rng.float() * 0.5)));
    left -= share;
    const add = Math.round(share * (0.55 + rng.float() * 0.4));
    const path =
      i === 1 && rng.chance(0.4)
        ? `test/${rng.pick(AREAS)}/${rng.hex(5)}.test.ts`
        : `src/${rng.pick(AREAS)}/${rng.hex(6)}.ts`;
    const status = rng.chance(0.1) ? "added" : "modified";
    files.push({
      path,
      additions: status === "added" ? share : add,
      deletions: status === "added" ? 0 : share - add,
      status,
    });
  }
  return files;
}

const GENERATED =
  /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|go\.sum|Cargo\.lock|poetry\.lock)$|\.generated\.|^dist\//;

/**
 * What METRICS.md's trivial rule sees in a change's files: changed lines outside lock/generated
 * files not counting whitespace (re-indented pairs, blank lines: see `diffShape`), the lines it
 * does not count, and whether every such file only reformats.
 */
export function filesTruth(files: readonly WorldFile[]): {
  countable: number;
  whitespaceLines: number;
  formatOnly: boolean;
  onlyGenerated: boolean;
} {
  let countable = 0;
  let whitespaceLines = 0;
  let onlyGenerated = true;
  let allFormat = true;
  for (const f of files) {
    if (GENERATED.test(f.path)) continue;
    onlyGenerated = false;
    const shape = diffShape(f);
    countable += shape.countable;
    whitespaceLines += f.additions + f.deletions - shape.countable;
    if (!shape.formatOnly) allFormat = false;
  }
  return { countable, whitespaceLines, formatOnly: !onlyGenerated && allFormat, onlyGenerated };
}

/**
 * METRICS.md's trivial rule: at most 5 changed lines outside lock/generated files, not counting
 * whitespace; or only such files; or only formatting.
 */
export function isTrivial(files: readonly WorldFile[]): boolean {
  const t = filesTruth(files);
  return t.onlyGenerated || t.formatOnly || t.countable <= 5;
}

/** The files without their patch ground truth (plain code lines). */
function plainFiles(files: readonly WorldFile[]): WorldFile[] {
  return files.map(({ reindented: _r, blankAdded: _a, blankRemoved: _d, format: _f, ...f }) => f);
}

const FORMAT_TITLES = [
  "Run prettier on {area}",
  "Format {area} with prettier",
  "Reindent {area} code",
  "Fix whitespace in {area}",
  "chore: pnpm lint --fix in {area}",
];

/**
 * Whitespace and formatting in a human or AI pull request's files, drawn from `drng` (a stream of
 * its own, so that the rest of the world is what it was before patches existed):
 * - a formatting pull request (2% of human ones): 1-4 TypeScript files that only reformat, with
 *   additions and deletions within a factor of 1.5, titled as formatter runs are;
 * - at most 10 lines (30%): re-indented pairs and blank lines, any number of them;
 * - 11 to 20 lines (30%): re-indented pairs, any number of them;
 * - more than 20 lines (50%): up to 10% of each file's additions are blank lines.
 * So a change that whitespace or formatting makes trivial is always one whose patches the product
 * reads at the default trivialMaxLines of 5 (metrics `isPatchCandidate`; docs/metrics.md "Trivial").
 */
function shapeFiles(
  drng: Prng,
  files: WorldFile[],
  options: { formatting: boolean; small: boolean },
): { files: WorldFile[]; title: string | null } {
  const lines = files.reduce((n, f) => n + f.additions + f.deletions, 0);
  if (options.formatting && drng.chance(0.02)) {
    const area = drng.pick(AREAS);
    const title = drng.pick(FORMAT_TITLES).replace("{area}", area);
    const n = drng.int(1, 4);
    const out: WorldFile[] = [];
    for (let i = 0; i < n; i++) {
      const base = drng.int(10, 150);
      const more = base + drng.int(0, Math.floor(base / 2));
      const wrap = drng.chance(0.6);
      out.push({
        path: `src/${area}/${drng.hex(6)}.ts`,
        additions: wrap ? more : base,
        deletions: wrap ? base : more,
        status: "modified",
        format: true,
      });
    }
    return { files: out, title };
  }
  if (options.small) return { files, title: null };
  if (lines <= 20) {
    if (!drng.chance(0.3)) return { files, title: null };
    return {
      files: files.map((f) => {
        const reindented = drng.int(0, Math.min(f.additions, f.deletions));
        // Blank lines only up to 10 lines: above, only re-indentation (see the candidate rule).
        return lines <= 10
          ? {
              ...f,
              reindented,
              blankAdded: drng.int(0, f.additions - reindented),
              blankRemoved: drng.int(0, f.deletions - reindented),
            }
          : { ...f, reindented };
      }),
      title: null,
    };
  }
  if (!drng.chance(0.5)) return { files, title: null };
  return {
    files: files.map((f) => ({ ...f, blankAdded: Math.floor(f.additions * drng.float() * 0.1) })),
    title: null,
  };
}

function blankPlan(partial: Partial<Plan> & Pick<Plan, "kind" | "createdAt" | "spec" | "title">): Plan {
  return {
    mergeAt: null,
    closeAt: null,
    author: null,
    bot: null,
    slug: slugify(partial.title),
    body: "",
    headRef: "",
    commitCount: 1,
    files: [],
    trivial: false,
    gaming: false,
    revertOf: null,
    revertForm: null,
    revertedBy: null,
    reviewer: null,
    approveAt: null,
    mergeMethod: "squash",
    number: 0,
    labels: [],
    sha: "",
    pos: -1,
    key: "",
    mergedAt: 0,
    deployment: null,
    deployedAt: null,
    ...partial,
  };
}

function* generateRepo(ctx: Context, r: number): Generator<WorldRecord> {
  const rng = new Prng(ctx.o.seed, "repo", r);
  /** Whitespace and formatting in files (`shapeFiles`): a stream of its own. */
  const drng = new Prng(ctx.o.seed, "diff", r);
  const name = repoName(r);
  const full = `${ctx.org}/${name}`;
  const branch = r % 7 === 6 ? "master" : "main";
  const method = deployMethodOf(r);
  const contributors = ctx.people.filter((p) => p.repos.includes(r));
  const mergeMix: [Plan["mergeMethod"], number][] =
    r % 4 === 0
      ? [
          ["squash", 5],
          ["merge", 3],
          ["rebase", 2],
        ]
      : r % 4 === 1
        ? [
            ["merge", 6],
            ["squash", 3],
            ["rebase", 1],
          ]
        : [
            ["squash", 8],
            ["merge", 1],
            ["rebase", 1],
          ];
  const plans: Plan[] = [];
  const reviewerFor = (p: Person | null): Person | null => {
    if (contributors.length < 2) return null;
    for (let i = 0; i < 4; i++) {
      const c = rng.pick(contributors);
      if (c !== p) return c;
    }
    return null;
  };
  const schedule = (plan: Plan, hoursMedian: number): void => {
    const delay = Math.max(600, Math.round(Math.exp(Math.log(hoursMedian * HOUR) + 0.9 * rng.normal())));
    const end = plan.createdAt + delay;
    if (rng.chance(0.06) && plan.kind === "pr" && !plan.gaming) plan.closeAt = end <= ctx.now ? end : null;
    else if (end <= ctx.now) plan.mergeAt = end;
  };
  const humanPlan = (p: Person, createdAt: number, forced: string | null): Plan => {
    let spec: FormSpec;
    const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
    const fctx = {
      rng,
      human: { name: p.name, email: p.email, login: p.login },
      org: ctx.org,
      repo: name,
      title,
      slug: slugify(title),
      createdAt,
    };
    if (forced?.startsWith("hn:")) spec = humanSpec(forced.slice(3));
    else if (forced) spec = buildForm(forced, fctx);
    else if (rng.chance(p.aiRate)) {
      const tool = p.tools.length > 1 && rng.chance(0.25) ? (p.tools[1] as AiTool) : (p.tools[0] as AiTool);
      spec = rng.chance(0.15)
        ? buildForm(`${tool}.unmarked`, fctx)
        : buildForm(rng.weighted(FORMS_BY_TOOL[tool] ?? []), fctx);
    } else if (p.aiLikeName) spec = humanSpec("ai-like-name");
    else if (p.aiCompanyEmail) spec = humanSpec("ai-company-email");
    else {
      const x = rng.float();
      spec =
        x < 0.025
          ? humanSpec("prose-mention")
          : x < 0.033
            ? humanSpec("aider-committer")
            : x < 0.037
              ? humanSpec("replit-deployment")
              : humanSpec();
    }
    if (spec.class === "human" && spec.hardNegative === null) {
      if (p.aiLikeName) spec.hardNegative = "ai-like-name";
      else if (p.aiCompanyEmail) spec.hardNegative = "ai-company-email";
    }
    const lockOnly = spec.class === "human" && !spec.hardNegative && rng.chance(0.03);
    const trivialDraw = spec.small || rng.chance(0.12);
    const lines = lockOnly
      ? rng.int(10, 400)
      : trivialDraw
        ? rng.int(1, 5)
        : Math.min(5000, Math.max(6, Math.round(Math.exp(3.6 + 1.1 * rng.normal()))));
    const shaped = lockOnly
      ? { files: makeFiles(rng, lines, trivialDraw, lockOnly), title: null }
      : shapeFiles(drng, makeFiles(rng, lines, trivialDraw, lockOnly), {
          formatting: spec.class === "human" && spec.hardNegative === null && spec.title === undefined && !trivialDraw,
          small: trivialDraw,
        });
    const files = shaped.files;
    const t = spec.hardNegative === "prose-mention" ? rng.pick(PROSE_MENTIONS) : (shaped.title ?? spec.title ?? title);
    const commitCount = spec.initialPlan
      ? rng.int(2, 4)
      : rng.weighted([
          [1, 40],
          [rng.int(2, 3), 35],
          [rng.int(4, 8), 20],
          [rng.int(9, 20), 5],
        ]);
    const plan = blankPlan({
      kind: "pr",
      createdAt,
      author: p,
      spec,
      title: t,
      body: `${t}.${spec.body ? `\n\n${spec.body}` : ""}`,
      headRef: spec.headRef ?? `${p.login}/${slugify(t)}`,
      commitCount,
      files,
      trivial: isTrivial(files),
      reviewer: reviewerFor(p),
      mergeMethod: rng.weighted(mergeMix),
      labels: [
        ...(spec.labels ?? []),
        ...(rng.chance(0.3) ? [rng.pick(["bug", "enhancement", "chore", "documentation"])] : []),
      ],
    });
    schedule(plan, spec.class === "ai" ? 14 : 20);
    return plan;
  };

  /** An AI-assisted pull request of a gamer's, `lines` long, merged `mergeAfter` seconds after it opened. */
  const gamingPlan = (p: Person, createdAt: number, lines: number, mergeAfter: number): Plan => {
    const plan = humanPlan(p, createdAt, "claude-code.trailer");
    plan.gaming = true;
    plan.files = makeFiles(rng, lines, false, false);
    plan.trivial = false;
    plan.commitCount = 1;
    plan.mergeAt = Math.min(ctx.now - 60, plan.createdAt + mergeAfter);
    plan.closeAt = null;
    plans.push(plan);
    return plan;
  };
  /** The configured gamers' work in week `w` (GamerStrategy), in their first repository. */
  const gamerWork = (p: Person, w: number): void => {
    const g = p.gaming;
    const inWeek = w === ctx.burstWeek;
    if (g === "spike" && inWeek) {
      for (let i = 0; i < 30; i++) gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(HOUR, 8 * HOUR));
    } else if ((g === "revert-churn" || g === "agent-revert-churn") && inWeek) {
      // Four round trips: merged on Monday or Tuesday, reverted one to two days later.
      for (let i = 0; i < 4; i++) {
        const at = ctx.start + w * WEEK + rng.int(0, 1) * DAY + rng.int(8, 12) * HOUR;
        const orig = gamingPlan(p, at, rng.int(30, 120), rng.int(HOUR, 4 * HOUR));
        const revertAt = (orig.mergeAt as number) + rng.int(DAY, 2 * DAY);
        const formRng = new Prng(ctx.o.seed, "gamer-revert", r, i);
        const agent =
          g === "agent-revert-churn"
            ? {
                ...buildForm("copilot.agent", {
                  rng: formRng,
                  human: { name: p.name, email: p.email, login: p.login },
                  org: ctx.org,
                  repo: name,
                  title: `Revert ${orig.title}`,
                  slug: `revert-${orig.slug}`,
                  createdAt: revertAt,
                }),
                initialPlan: false,
              }
            : null;
        const rev = makeRevert(rng, orig, p, revertAt, g === "agent-revert-churn" ? "agent" : "button", agent);
        rev.gaming = true;
        rev.reviewer = reviewerFor(p);
        plans.push(rev);
      }
    } else if (g === "splitting" && inWeek) {
      // One piece of work (about 180 lines) cut into twelve small, non-trivial pull requests.
      const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
      for (let i = 0; i < 12; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(10, 20), rng.int(HOUR, 6 * HOUR));
        plan.title = `${title} (part ${i + 1} of 12)`;
      }
    } else if (g === "self-merge" && inWeek) {
      for (let i = 0; i < 6; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(600, 2 * HOUR));
        plan.reviewer = null;
      }
    } else if (g === "rubber-stamp" && (inWeek || w === ctx.burstWeek + 1)) {
      const partner = ctx.people.find((x) => x.gaming === "rubber-stamp" && x !== p);
      if (partner === undefined) return;
      for (let i = 0; i < 6; i++) {
        const plan = gamingPlan(p, workTime(rng, ctx, w), rng.int(20, 150), rng.int(90, 300));
        plan.reviewer = partner;
        plan.approveAt = plan.createdAt + rng.int(20, 59);
      }
    }
  };

  // Human and AI pull requests, week by week.
  const rate = ctx.o.pullsPerEngineerWeek;
  let coverage = 0;
  for (let w = 0; w < ctx.o.weeks; w++) {
    for (const p of contributors) {
      if (!activeInWeek(ctx, p, w)) continue;
      const n = rng.poisson((rate * p.rateMul) / p.repos.length);
      for (let i = 0; i < n; i++) {
        const forced =
          coverage < COVERAGE.length && p.gaming === null
            ? (COVERAGE[(coverage + r * 5) % COVERAGE.length] as string)
            : null;
        if (forced) coverage += 1;
        plans.push(humanPlan(p, workTime(rng, ctx, w), forced));
      }
      if (p.gaming === "burst" && w === ctx.burstWeek && p.repos[0] === r) {
        for (let i = 0; i < 25; i++) {
          const plan = humanPlan(p, workTime(rng, ctx, w), "claude-code.trailer");
          plan.gaming = true;
          plan.files = [
            {
              path: `src/${rng.pick(AREAS)}/${rng.hex(6)}.ts`,
              additions: rng.int(1, 2),
              deletions: rng.int(0, 1),
              status: "modified",
            },
          ];
          plan.trivial = true;
          plan.commitCount = 1;
          plan.reviewer = null;
          plan.mergeAt = plan.createdAt + rng.int(300, 3 * HOUR);
          plan.closeAt = null;
          plans.push(plan);
        }
      }
      if (p.repos[0] === r) gamerWork(p, w);
    }
  }
  // Direct pushes on trunk-based repositories.
  if (isTrunkBased(r)) {
    for (let w = 0; w < ctx.o.weeks; w++) {
      for (const p of contributors) {
        if (!activeInWeek(ctx, p, w)) continue;
        for (let i = rng.poisson(1.2); i > 0; i--) {
          const plan = humanPlan(p, workTime(rng, ctx, w), null);
          plan.kind = "push";
          // A direct push has no pull-request patches to read: plain lines.
          plan.files = plainFiles(plan.files);
          plan.trivial = isTrivial(plan.files);
          plan.commitCount = 1;
          plan.mergeAt = plan.createdAt;
          plan.closeAt = null;
          const sp = plan.spec;
          if (sp.prAuthor) plan.spec = humanSpec();
          // With no PR, markers that live only in a PR body or branch name are gone.
          else if (
            sp.class === "ai" &&
            !(sp.trailers?.length || sp.lastTrailers?.length || sp.footer || sp.commitAuthor || sp.subjectPrefix)
          ) {
            plan.spec = { ...sp, observable: false, markerConfidence: null };
          }
          plans.push(plan);
        }
      }
    }
  }
  // Bots.
  let aiPackageBump = false;
  for (let w = 0; w < ctx.o.weeks; w++) {
    const bots: BotKind[] = [];
    if (rng.chance(0.8)) bots.push("dependabot");
    if (r % 2 === 1 && rng.chance(0.5)) bots.push("renovate");
    if (rng.chance(0.3)) bots.push("actions");
    for (const bot of bots) {
      let title: string;
      let files: WorldFile[];
      let hardNegative: string | null = null;
      if (bot === "actions") {
        title = "chore: update generated API docs";
        files = [
          { path: "docs/api.generated.md", additions: rng.int(5, 80), deletions: rng.int(5, 80), status: "modified" },
        ];
      } else {
        const ai = !aiPackageBump || rng.chance(0.05);
        aiPackageBump = true;
        const pkg = ai ? rng.pick(AI_PACKAGES) : rng.pick(PACKAGES);
        if (ai) hardNegative = "bot-ai-package";
        const v = `${rng.int(0, 5)}.${rng.int(0, 40)}.`;
        const from = rng.int(0, 9);
        title =
          bot === "dependabot"
            ? `Bump ${pkg} from ${v}${from} to ${v}${from + 1}`
            : `Update dependency ${pkg} to v${v}${from + 1}`;
        files = [
          { path: "package.json", additions: 1, deletions: 1, status: "modified" },
          {
            path: rng.pick(LOCK_FILES.slice(0, 3)),
            additions: rng.int(3, 60),
            deletions: rng.int(3, 60),
            status: "modified",
          },
        ];
      }
      const createdAt = workTime(rng, ctx, w);
      const plan = blankPlan({
        kind: "pr",
        createdAt,
        bot,
        spec: {
          form: `bot.${bot}`,
          class: "bot",
          tools: [],
          subtype: null,
          observable: true,
          markerConfidence: null,
          hardNegative,
        },
        title,
        body: bot === "actions" ? "Automated changes by GitHub Actions." : `Bumps ${title.split(" ")[1]}.`,
        headRef:
          bot === "dependabot"
            ? `dependabot/npm_and_yarn/${slugify(title)}`
            : bot === "renovate"
              ? `renovate/${slugify(title)}`
              : `actions/update-docs-${w}`,
        files,
        trivial: isTrivial(files),
        reviewer: reviewerFor(null),
        mergeMethod: "squash",
        labels: bot === "actions" ? [] : ["dependencies"],
      });
      plan.headRef = plan.headRef.slice(0, 80);
      schedule(plan, 30);
      plans.push(plan);
    }
  }
  // Very large pull requests (more than 100 and more than 250 commits).
  if (r < 2 && contributors.length > 0) {
    const big = r === 0 ? [120, 260] : [310];
    big.forEach((k, i) => {
      const p = contributors[i % contributors.length] as Person;
      const plan = humanPlan(p, ctx.start + Math.floor(ctx.o.weeks / 3 + i) * WEEK + 2 * DAY + 10 * HOUR, null);
      plan.commitCount = k;
      plan.title = `Migrate ${rng.pick(AREAS)} module to the new framework (${k} commits)`;
      // Plain human work: drop whatever AI form humanPlan drew (body, branch, labels).
      plan.spec = humanSpec();
      plan.body = `${plan.title}.`;
      plan.headRef = `${p.login}/${slugify(plan.title)}`;
      plan.labels = [];
      plan.files = makeFiles(rng, 4000 + k * 10, false, false);
      plan.trivial = false;
      plan.mergeMethod = k > 250 ? "merge" : "squash";
      plan.mergeAt = Math.min(ctx.now - HOUR, plan.createdAt + 5 * DAY);
      plan.closeAt = null;
      plans.push(plan);
    });
  }
  // Reverts (some within 14 days, some later), and a revert of a revert.
  const merged = plans.filter(
    (p) => p.mergeAt !== null && p.kind === "pr" && !p.gaming && p.bot === null && p.commitCount < 100,
  );
  merged.sort((a, b) => (a.mergeAt as number) - (b.mergeAt as number) || a.createdAt - b.createdAt);
  let firstRevert = true;
  for (const orig of merged) {
    if (!(firstRevert ? rng.chance(0.15) : rng.chance(0.02))) continue;
    const late = !firstRevert && rng.chance(0.2);
    const createdAt = (orig.mergeAt as number) + (late ? rng.int(15 * DAY, 25 * DAY) : rng.int(HOUR, 10 * DAY));
    if (createdAt + 6 * HOUR > ctx.now) continue;
    const author = orig.reviewer ?? orig.author ?? contributors[0];
    if (!author) continue;
    // The form is drawn from its own stream: the repository's other draws stay as they were.
    const formRng = new Prng(ctx.o.seed, "revert-form", r, orig.createdAt);
    let form = formRng.weighted(REVERT_FORMS);
    if (form === "squash" && orig.mergeMethod !== "squash") form = "button";
    const agent =
      form === "agent"
        ? {
            ...buildForm("copilot.agent", {
              rng: formRng,
              human: { name: author.name, email: author.email, login: author.login },
              org: ctx.org,
              repo: name,
              title: `Revert ${orig.title}`,
              slug: `revert-${orig.slug}`,
              createdAt,
            }),
            initialPlan: false,
          }
        : null;
    const rev = makeRevert(rng, orig, author, createdAt, form, agent);
    plans.push(rev);
    if (firstRevert && (r === 0 || rng.chance(0.5))) {
      const againAt = (rev.mergeAt as number) + rng.int(DAY, 5 * DAY);
      if (againAt + 6 * HOUR <= ctx.now)
        plans.push(makeRevert(rng, rev, orig.author ?? author, againAt, "button", null));
    }
    firstRevert = false;
  }

  // Numbers in creation order.
  const numbered = plans.filter((p) => p.kind === "pr").sort((a, b) => a.createdAt - b.createdAt);
  numbered.forEach((p, i) => {
    p.number = i + 1;
  });
  // Reverts name their target by number, so their text is written once numbers are known (in
  // creation order: a revert of a revert quotes the first revert's final title).
  for (const p of numbered) if (p.revertOf) writeRevert(p, p.revertOf, full);
  yield* buildRepo(ctx, rng, r, full, branch, method, plans, contributors);
}

/**
 * How reverts name what they revert (METRICS.md "Change failure rate"): GitHub's revert button
 * (title, body `Reverts owner/repo#<n>`, branch `revert-<n>-...`, "This reverts commit"),
 * `git revert` of a squash commit pushed from a branch of one's own (`Revert "<title> (#<n>)"`),
 * a hand-written revert naming the pull request by number or by URL in its body only, and a
 * revert pull request opened by a coding agent (Copilot) for its human.
 */
export type RevertForm = "button" | "squash" | "number" | "url" | "agent";
const REVERT_FORMS: [RevertForm, number][] = [
  ["button", 4],
  ["squash", 2],
  ["number", 1],
  ["url", 1],
  ["agent", 1],
];

function makeRevert(
  rng: Prng,
  orig: Plan,
  author: Person,
  createdAt: number,
  form: RevertForm,
  agent: FormSpec | null,
): Plan {
  const files = orig.files.map(({ blankAdded, blankRemoved, ...f }) => ({
    ...f,
    additions: f.deletions,
    deletions: f.additions,
    ...(blankRemoved === undefined ? {} : { blankAdded: blankRemoved }),
    ...(blankAdded === undefined ? {} : { blankRemoved: blankAdded }),
  }));
  const plan = blankPlan({
    kind: "pr",
    createdAt,
    author,
    spec: agent ?? humanSpec(null, "human.revert"),
    // Written with the target's number (writeRevert).
    title: `Revert "${orig.title}"`,
    files,
    trivial: isTrivial(files),
    revertOf: orig,
    revertForm: form,
    reviewer: orig.author !== author ? orig.author : null,
    mergeMethod: orig.mergeMethod === "rebase" ? "squash" : orig.mergeMethod,
  });
  plan.mergeAt = createdAt + rng.int(600, 6 * HOUR);
  orig.revertedBy = plan;
  return plan;
}

/** A revert's title, body and branch in its form, once its target's number is known. */
function writeRevert(p: Plan, orig: Plan, full: string): void {
  const n = orig.number;
  const login = (p.author as Person).login;
  switch (p.revertForm) {
    case "squash":
      p.title = `Revert "${orig.title} (#${n})"`;
      p.body = "";
      p.headRef = `${login}/revert-${orig.slug}`;
      break;
    case "number":
      p.title = `Back out ${orig.title}`;
      p.body = `Reverts #${n}: it broke the build.`;
      p.headRef = `${login}/back-out-${orig.slug}`;
      break;
    case "url":
      p.title = `Roll back ${orig.title}`;
      p.body = `This reverts https://github.com/${full}/pull/${n}`;
      p.headRef = `${login}/roll-back-${orig.slug}`;
      break;
    case "agent":
      p.title = `Revert "${orig.title}"`;
      p.body = `Reverts #${n}\n\n${p.spec.body ?? ""}`;
      p.headRef = `copilot/revert-${orig.slug}`;
      break;
    default:
      p.title = `Revert "${orig.title}"`;
      p.body = `Reverts ${full}#${n}`;
      p.headRef = `revert-${n}-${orig.headRef}`;
  }
  p.headRef = p.headRef.slice(0, 100);
  p.slug = slugify(p.title);
}

function identOf(p: Person, rng: Prng): Ident {
  return { name: p.name, email: rng.chance(0.85) || p.aiCompanyEmail ? p.email : p.noreply, login: p.login };
}

function messageOf(subject: string, body: string, footer: string | undefined, trailers: string[]): string {
  let m = subject;
  if (body) m += `\n\n${body}`;
  if (footer) m += `\n\n${footer}`;
  if (trailers.length > 0) m += `\n\n${trailers.join("\n")}`;
  return m;
}

const CO_AUTHOR_LINE = /^co-authored-by:\s*(.+?)\s*<([^>]+)>\s*$/gim;

/** GitHub's default squash message (see shared/ATTRIBUTION.md). */
export function squashMessage(
  title: string,
  number: number,
  commits: readonly WorldCommit[],
  squashAuthorEmail: string,
): string {
  const seen = new Set<string>([squashAuthorEmail.toLowerCase()]);
  const coAuthors: string[] = [];
  const add = (name: string, email: string) => {
    const key = email.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    coAuthors.push(`Co-authored-by: ${name} <${email}>`);
  };
  for (const c of commits) {
    for (const m of c.message.matchAll(CO_AUTHOR_LINE)) add(m[1] ?? "", m[2] ?? "");
    add(c.author.name, c.author.email);
  }
  const subject = `${title} (#${number})`;
  if (commits.length === 1) {
    const body = (commits[0] as WorldCommit).message.split("\n").slice(1).join("\n").trim();
    const extra = coAuthors.filter((l) => !body.toLowerCase().includes(l.toLowerCase()));
    return [subject, body, extra.join("\n")].filter((s) => s !== "").join("\n\n");
  }
  const bullets = commits.map((c) => `* ${c.message}`).join("\n\n");
  return coAuthors.length > 0
    ? `${subject}\n\n${bullets}\n\n---------\n\n${coAuthors.join("\n")}`
    : `${subject}\n\n${bullets}`;
}

function* buildRepo(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  method: DeployMethod,
  plans: Plan[],
  contributors: Person[],
): Generator<WorldRecord> {
  const commits: WorldCommit[] = [];
  const mainShas: string[] = [];
  const mainTimes: number[] = [];
  const posOf = new Map<string, number>();
  const newSha = () => rng.hex(40);
  const owner = contributors[0];
  const rootTime = ctx.start - (30 + r) * DAY;
  const root: WorldCommit = {
    type: "commit",
    repo: full,
    sha: newSha(),
    message: "Initial commit",
    author: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    committer: {
      name: owner?.name ?? "Admin",
      email: owner?.email ?? "admin@example.com",
      date: iso(rootTime),
      login: owner?.login ?? null,
    },
    parents: [],
    additions: 120,
    deletions: 0,
  };
  commits.push(root);
  const pushMain = (c: WorldCommit, t: number) => {
    commits.push(c);
    posOf.set(c.sha, mainShas.length);
    mainShas.push(c.sha);
    mainTimes.push(t);
  };
  posOf.set(root.sha, 0);
  mainShas.push(root.sha);
  mainTimes.push(rootTime);
  const tipAt = (t: number): number => {
    let lo = 0;
    let hi = mainTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((mainTimes[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const pulls: WorldPull[] = [];
  const changes: Plan[] = [];
  const offBranchCandidates: { sha: string; ref: string; basePos: number }[] = [];

  const botIdent = (b: BotKind): Ident => ({
    name: BOT_ACCOUNTS[b].login,
    email: BOT_ACCOUNTS[b].email,
    login: BOT_ACCOUNTS[b].login,
  });
  const mergingOrder = plans
    .filter((p) => p.mergeAt !== null)
    .sort((a, b) => (a.mergeAt as number) - (b.mergeAt as number) || a.number - b.number);
  const rest = plans.filter((p) => p.mergeAt === null && p.kind === "pr");

  const prCommits = (plan: Plan, basePos: number, until: number): WorldCommit[] => {
    const spec = plan.spec;
    const human = plan.author;
    const out: WorldCommit[] = [];
    const k = plan.commitCount;
    const t0 = plan.createdAt - (rng.chance(0.5) ? rng.int(0, 20 * HOUR) : 0);
    const t1 = Math.max(t0 + k, until - 120);
    const adds = plan.files.reduce((s, f) => s + f.additions, 0);
    const dels = plan.files.reduce((s, f) => s + f.deletions, 0);
    let parent = mainShas[basePos] as string;
    for (let i = 0; i < k; i++) {
      const t = t0 + Math.floor(((t1 - t0) * i) / k);
      let author: Ident;
      if (plan.bot) author = botIdent(plan.bot);
      else if (spec.commitAuthor) author = spec.commitAuthor;
      else author = identOf(human as Person, rng);
      let committer: Ident = spec.commitCommitter ?? author;
      if (spec.hardNegative === "aider-committer") committer = { ...author, name: `${author.name} (aider)` };
      const initialPlan = spec.initialPlan && i === 0;
      let subject = initialPlan
        ? "Initial plan"
        : i === 0
          ? plan.title
          : k > 50
            ? `${rng.pick(FOLLOW_UPS)} (${i + 1}/${k})`
            : rng.pick(FOLLOW_UPS);
      if (spec.subjectPrefix) subject = `${spec.subjectPrefix}${subject}`;
      if (plan.revertOf && i === 0) subject = plan.title;
      // `git revert` (and GitHub's revert button) write the reverted commit; hand-written reverts
      // and the agent's do not.
      const gitRevert = plan.revertForm === "button" || plan.revertForm === "squash";
      const body = gitRevert && i === 0 ? `This reverts commit ${(plan.revertOf as Plan).sha}.` : "";
      const trailers = [...(spec.trailers ?? []), ...(i === k - 1 ? (spec.lastTrailers ?? []) : [])];
      if (spec.hardNegative === "replit-deployment") trailers.push("Replit-Commit-Author: Deployment");
      const c: WorldCommit = {
        type: "commit",
        repo: full,
        sha: newSha(),
        message: messageOf(subject, body, spec.footer, trailers),
        author: { ...author, date: iso(t) },
        committer: { ...committer, date: iso(t) },
        parents: [parent],
        additions: initialPlan ? 0 : Math.round(adds / k),
        deletions: initialPlan ? 0 : Math.round(dels / k),
      };
      parent = c.sha;
      out.push(c);
    }
    return out;
  };

  const prAuthorLogin = (plan: Plan): string =>
    plan.bot ? BOT_ACCOUNTS[plan.bot].login : (plan.spec.prAuthor?.login ?? (plan.author as Person).login);

  const pullRecord = (
    plan: Plan,
    own: WorldCommit[],
    baseSha: string,
    result: WorldCommit[],
    mergedBy: string | null,
  ): WorldPull => {
    const endAt = plan.mergeAt ?? plan.closeAt;
    const human = plan.author;
    const reviews: WorldReview[] = [];
    const reviewer = plan.reviewer;
    if (reviewer && endAt !== null && plan.approveAt !== null) {
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(Math.min(plan.approveAt, endAt)),
        body: "",
      });
    } else if (reviewer && endAt !== null && rng.chance(0.92)) {
      if (rng.chance(0.15)) {
        reviews.push({
          id: ctx.ids.review++,
          user: reviewer.login,
          state: "COMMENTED",
          submittedAt: iso(plan.createdAt + Math.floor((endAt - plan.createdAt) / 3)),
          body: "A couple of questions inline.",
        });
      }
      reviews.push({
        id: ctx.ids.review++,
        user: reviewer.login,
        state: "APPROVED",
        submittedAt: iso(endAt - 60),
        body: "",
      });
    }
    const assignHuman = plan.spec.assignHuman && human ? [human.login] : [];
    const additions = plan.files.reduce((s, f) => s + f.additions, 0);
    const deletions = plan.files.reduce((s, f) => s + f.deletions, 0);
    const id = ctx.ids.pull++;
    return {
      type: "pull",
      repo: full,
      number: plan.number,
      id,
      nodeId: `PR_kwDO${id.toString(36)}`,
      title: plan.title,
      body: plan.body,
      author: prAuthorLogin(plan),
      state: endAt === null ? "open" : "closed",
      draft: endAt === null && rng.chance(0.2),
      headRef: plan.headRef,
      headSha: (own.at(-1) as WorldCommit).sha,
      baseRef: branch,
      baseSha,
      labels: plan.labels,
      createdAt: iso(plan.createdAt),
      updatedAt: iso(endAt ?? Math.min(ctx.now, plan.createdAt + DAY)),
      closedAt: endAt === null ? null : iso(endAt),
      mergedAt: plan.mergeAt === null ? null : iso(plan.mergeAt),
      mergedBy,
      mergeMethod: plan.mergeAt === null ? null : plan.mergeMethod,
      assignees: assignHuman,
      requestedReviewers: [...assignHuman, ...(endAt === null && reviewer ? [reviewer.login] : [])],
      requestedTeams: [],
      reviews,
      commits: own.map((c) => c.sha),
      mergeCommitSha: result.length > 0 ? (result.at(-1) as WorldCommit).sha : null,
      resultCommits: result.map((c) => c.sha),
      additions,
      deletions,
      changedFiles: plan.files.length,
      files: plan.files,
    };
  };

  for (const plan of mergingOrder) {
    const t = plan.mergeAt as number;
    const tipPos = mainShas.length - 1;
    const tip = mainShas[tipPos] as string;
    if (plan.kind === "push") {
      const [c] = prCommits(plan, tipPos, t);
      const commit = c as WorldCommit;
      commit.author.date = iso(t);
      commit.committer.date = iso(t);
      pushMain(commit, t);
      plan.sha = commit.sha;
      plan.pos = posOf.get(commit.sha) as number;
      plan.key = `${full}@${commit.sha}`;
      plan.mergedAt = t;
      changes.push(plan);
      continue;
    }
    const basePos = tipAt(plan.createdAt);
    const own = prCommits(plan, basePos, t);
    for (const c of own) commits.push(c);
    const human = plan.author ?? plan.reviewer ?? contributors[0] ?? null;
    const merger =
      plan.bot || plan.spec.prAuthor
        ? (human as Person | null)
        : plan.reviewer && rng.chance(0.35)
          ? plan.reviewer
          : plan.author;
    const mergerIdent: Ident = merger ? { name: merger.name, email: merger.noreply, login: merger.login } : GITHUB;
    const result: WorldCommit[] = [];
    if (plan.mergeMethod === "squash") {
      const authorIdent: Ident = plan.bot
        ? botIdent(plan.bot)
        : plan.spec.prAuthor
          ? {
              name: plan.spec.prAuthor.name ?? plan.spec.prAuthor.login,
              email: plan.spec.prAuthor.email,
              login: plan.spec.prAuthor.login,
            }
          : {
              name: (plan.author as Person).name,
              email: (plan.author as Person).noreply,
              login: (plan.author as Person).login,
            };
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: squashMessage(plan.title, plan.number, own, authorIdent.email),
        author: { ...authorIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else if (plan.mergeMethod === "merge") {
      result.push({
        type: "commit",
        repo: full,
        sha: newSha(),
        message: `Merge pull request #${plan.number} from ${ctx.org}/${plan.headRef}\n\n${plan.title}`,
        author: { ...mergerIdent, date: iso(t) },
        committer: { ...GITHUB, date: iso(t) },
        parents: [tip, (own.at(-1) as WorldCommit).sha],
        additions: own.reduce((s, c) => s + c.additions, 0),
        deletions: own.reduce((s, c) => s + c.deletions, 0),
      });
    } else {
      let parent = tip;
      for (const c of own) {
        const rc: WorldCommit = { ...c, sha: newSha(), parents: [parent], committer: { ...GITHUB, date: iso(t) } };
        result.push(rc);
        parent = rc.sha;
      }
    }
    for (const c of result) pushMain(c, t);
    const last = result.at(-1) as WorldCommit;
    plan.sha = last.sha;
    plan.pos = posOf.get(last.sha) as number;
    plan.key = `${full}#${plan.number}`;
    plan.mergedAt = t;
    changes.push(plan);
    if (plan.mergeMethod === "squash" && own.length < 50)
      offBranchCandidates.push({ sha: (own.at(-1) as WorldCommit).sha, ref: plan.headRef, basePos });
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, result, merger?.login ?? null));
  }
  for (const plan of rest) {
    const basePos = tipAt(plan.createdAt);
    const own = prCommits(plan, basePos, plan.closeAt ?? Math.min(ctx.now, plan.createdAt + 2 * DAY));
    for (const c of own) commits.push(c);
    pulls.push(pullRecord(plan, own, mainShas[basePos] as string, [], null));
  }

  // Deployments, per method.
  const deploy = simulateDeployments(
    ctx,
    rng,
    r,
    full,
    branch,
    method,
    mainShas,
    mainTimes,
    changes,
    offBranchCandidates,
    contributors,
  );

  for (const c of commits) yield c;
  yield { type: "branch", repo: full, name: branch, sha: mainShas.at(-1) as string };
  pulls.sort((a, b) => a.number - b.number);
  yield* pulls;
  yield* deploy.records;

  // Issues: incidents naming production deployments, and noise.
  const issues = generateIssues({
    seed: ctx.o.seed,
    r,
    full,
    start: ctx.start,
    now: ctx.now,
    rate: ctx.o.incidentRate,
    label: ctx.o.incidentLabel,
    people: contributors.length > 0 ? contributors.map((p) => p.login) : ["github-actions[bot]"],
    deployments: deploy.truths,
    mainShas,
    lastPullNumber: pulls.reduce((max, p) => Math.max(max, p.number), 0),
    ids: ctx.ids,
  });
  yield* issues.issues;

  // Ground truth.
  for (const ch of changes) {
    const revertedBy = ch.revertedBy && ch.revertedBy.mergeAt !== null ? ch.revertedBy : null;
    const within = revertedBy !== null && (revertedBy.mergeAt as number) - ch.mergedAt <= 14 * DAY;
    if (within && ch.deployment) ch.deployment.shippedRevertedChange = true;
    const credited = ch.bot ? null : (ch.author as Person).login;
    if (ch.spec.class === "ai" && ch.author) {
      const day = Math.floor(ch.createdAt / DAY);
      const key = `${ch.author.idx}|${day}|${ch.spec.tools[0]}`;
      ctx.aiWork.set(key, (ctx.aiWork.get(key) ?? 0) + 1);
    }
    const truth: TruthChange = {
      type: "truth-change",
      repo: full,
      key: ch.key,
      kind: ch.kind === "pr" ? "pull_request" : "direct_push",
      number: ch.kind === "pr" ? ch.number : null,
      sha: ch.sha,
      mergedAt: iso(ch.mergedAt),
      class: ch.spec.class,
      tools: ch.spec.tools,
      subtype: ch.spec.subtype,
      form: ch.spec.form,
      observable: ch.spec.observable,
      markerConfidence: ch.spec.markerConfidence,
      hardNegative: ch.spec.hardNegative,
      credited,
      lines: ch.files.reduce((s, f) => s + f.additions + f.deletions, 0),
      whitespaceLines: filesTruth(ch.files).whitespaceLines,
      formatOnly: filesTruth(ch.files).formatOnly,
      trivial: ch.trivial,
      revertOf: ch.revertOf ? ch.revertOf.key : null,
      revertedBy: revertedBy ? revertedBy.key : null,
      revertedWithin14Days: within,
      gaming: ch.gaming,
      deployment: ch.deployment ? ch.deployment.externalId : null,
      deployedAt: ch.deployedAt === null ? null : iso(ch.deployedAt),
    };
    yield truth;
  }
  for (const d of deploy.truths) {
    d.failed = d.production && (d.failedAfterLive || d.rolledBack || d.shippedRevertedChange || d.incident);
    yield d;
  }
  yield* issues.truths;
}

interface DeployResult {
  records: WorldRecord[];
  truths: TruthDeployment[];
}

function simulateDeployments(
  ctx: Context,
  rng: Prng,
  r: number,
  full: string,
  branch: string,
  method: DeployMethod,
  mainShas: string[],
  mainTimes: number[],
  changes: Plan[],
  offBranch: { sha: string; ref: string; basePos: number }[],
  contributors: Person[],
): DeployResult {
  const records: WorldRecord[] = [];
  const truths: TruthDeployment[] = [];
  const byPos = [...changes].sort((a, b) => a.pos - b.pos);
  let next = 0;
  /** Ships every change up to `pos` not shipped yet. */
  const ship = (truth: TruthDeployment, pos: number, at: number) => {
    while (next < byPos.length && (byPos[next] as Plan).pos <= pos) {
      const ch = byPos[next++] as Plan;
      ch.deployment = truth;
      ch.deployedAt = at;
      truth.changes.push(ch.key);
    }
  };
  const tipAt = (t: number): number => {
    let lo = 0;
    let hi = mainTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((mainTimes[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const truth = (
    source: TruthDeployment["source"],
    externalId: string,
    environment: string,
    sha: string,
  ): TruthDeployment => ({
    type: "truth-deployment",
    repo: full,
    source,
    externalId,
    environment,
    sha,
    production: false,
    at: null,
    offBranch: false,
    failedAfterLive: false,
    rolledBack: false,
    rollback: false,
    changes: [],
    shippedRevertedChange: false,
    incident: false,
    failed: false,
  });
  const someone = () => (contributors.length > 0 ? (rng.pick(contributors) as Person).login : "github-actions[bot]");
  /** Deployment moments: working hours, `gapHours` apart on average. */
  const moments = (gapHours: number): number[] => {
    const out: number[] = [];
    let t = ctx.start + rng.int(1, 24) * HOUR;
    while (t < ctx.now - HOUR) {
      t += Math.max(HOUR, Math.round(gapHours * HOUR * (0.4 + rng.float() * 1.2)));
      const d = new Date(t * 1000);
      const dow = d.getUTCDay();
      const h = d.getUTCHours();
      if (dow === 0 || dow === 6 || h < 9 || h > 18) continue;
      if (t < ctx.now - HOUR) out.push(t);
    }
    return out;
  };

  if (method.kind === "merge") {
    for (const ch of byPos) {
      const tr = truth("merge", ch.sha, "production", ch.sha);
      tr.production = true;
      tr.at = iso(ch.mergedAt);
      ship(tr, ch.pos, ch.mergedAt);
      truths.push(tr);
    }
    return { records, truths };
  }

  if (method.kind === "deployments") {
    const statusesFor = (
      t: number,
      states: { state: WorldDeploymentStatus["state"]; after: number; description: string }[],
    ) =>
      states.map((s) => ({
        id: ctx.ids.status++,
        state: s.state,
        createdAt: iso(t + s.after),
        description: s.description,
        creator: "github-actions[bot]",
      }));
    const makeDeployment = (
      sha: string,
      ref: string,
      environment: string,
      t: number,
      statuses: WorldDeploymentStatus[],
      description = "",
    ): WorldDeployment => {
      const id = ctx.ids.deployment++;
      return {
        type: "deployment",
        repo: full,
        id,
        nodeId: `DE_kwDO${id.toString(36)}`,
        sha,
        ref,
        task: "deploy",
        environment,
        description,
        creator: someone(),
        createdAt: iso(t),
        updatedAt: statuses.at(-1)?.createdAt ?? iso(t),
        productionEnvironment: environment === "production",
        transientEnvironment: false,
        statuses,
      };
    };
    const live: { truth: TruthDeployment; pos: number; sha: string; fork: number | null }[] = [];
    let livePos = -1;
    let offDone = false;
    for (const t of moments(10)) {
      const pos = tipAt(t);
      // A deployment from a branch, once, when it ships nothing new.
      if (!offDone && live.length > 3 && t > ctx.start + (ctx.now - ctx.start) / 3) {
        const cand = offBranch.find((c) => c.basePos <= livePos && mainTimes[c.basePos] !== undefined);
        if (cand) {
          offDone = true;
          const st = statusesFor(t, [
            { state: "in_progress", after: 20, description: "Deploying" },
            { state: "success", after: rng.int(180, 900), description: "Deployed" },
          ]);
          const d = makeDeployment(cand.sha, cand.ref, "production", t, st, "Hotfix preview from branch");
          records.push(d);
          const tr = truth("deployment", String(d.id), "production", cand.sha);
          tr.production = true;
          tr.offBranch = true;
          tr.at = st[1]?.createdAt ?? null;
          truths.push(tr);
          live.push({ truth: tr, pos: -1, sha: cand.sha, fork: cand.basePos });
          continue;
        }
      }
      if (pos <= livePos) continue;
      const sha = mainShas[pos] as string;
      if (rng.chance(0.4)) {
        const st = statusesFor(t - 1200, [
          { state: "in_progress", after: 10, description: "Deploying" },
          { state: "success", after: rng.int(120, 600), description: "Deployed" },
        ]);
        const staging = makeDeployment(sha, branch, "staging", t - 1200, st);
        records.push(staging);
        truths.push(truth("deployment", String(staging.id), "staging", sha));
      }
      const outcome = rng.weighted([
        ["ok", 84],
        ["fail-before-live", 5],
        ["fail-after-live", 6],
        ["rollback", live.length > 0 ? 5 : 0],
      ] as const);
      const liveAfter = rng.int(180, 900);
      const states: { state: WorldDeploymentStatus["state"]; after: number; description: string }[] = [
        { state: "in_progress", after: 20, description: "Deploying" },
      ];
      if (outcome === "fail-before-live")
        states.push({
          state: rng.chance(0.7) ? "failure" : "error",
          after: liveAfter,
          description: "Deployment failed",
        });
      else states.push({ state: "success", after: liveAfter, description: "Deployed" });
      if (outcome === "fail-after-live")
        states.push({
          state: rng.chance(0.7) ? "failure" : "error",
          after: liveAfter + rng.int(900, 7200),
          description: "Health checks failed after release",
        });
      const st = statusesFor(t, states);
      const d = makeDeployment(sha, branch, "production", t, st);
      records.push(d);
      const tr = truth("deployment", String(d.id), "production", sha);
      truths.push(tr);
      if (outcome === "fail-before-live") continue;
      const at = t + liveAfter;
      tr.production = true;
      tr.at = iso(at);
      tr.failedAfterLive = outcome === "fail-after-live";
      ship(tr, pos, at);
      live.push({ truth: tr, pos, sha, fork: null });
      livePos = pos;
      if (outcome === "rollback") {
        const prev = [...live].reverse().find((l) => l.pos >= 0 && l.pos < pos);
        if (prev) {
          const rt = at + rng.int(HOUR, 3 * HOUR);
          const rst = statusesFor(rt, [
            { state: "in_progress", after: 15, description: "Rolling back" },
            { state: "success", after: rng.int(120, 400), description: "Deployed" },
          ]);
          const rd = makeDeployment(prev.sha, prev.sha, "production", rt, rst, `Rollback to ${prev.sha.slice(0, 7)}`);
          records.push(rd);
          const rtr = truth("deployment", String(rd.id), "production", prev.sha);
          rtr.production = true;
          rtr.rollback = true;
          rtr.at = rst[1]?.createdAt ?? null;
          truths.push(rtr);
          live.push({ truth: rtr, pos: prev.pos, sha: prev.sha, fork: null });
          livePos = prev.pos;
        }
      }
    }
    // Rolled back: the next live production deployment is at an ancestor commit.
    const ancestor = (a: (typeof live)[number], b: (typeof live)[number]): boolean => {
      if (a.pos >= 0 && b.pos >= 0) return a.pos <= b.pos;
      if (a.pos >= 0 && b.fork !== null) return a.pos <= b.fork;
      return a.sha === b.sha;
    };
    for (let i = 0; i + 1 < live.length; i++) {
      const cur = live[i] as (typeof live)[number];
      const nxt = live[i + 1] as (typeof live)[number];
      if (ancestor(nxt, cur)) cur.truth.rolledBack = true;
    }
    return { records, truths };
  }

  if (method.kind === "releases") {
    let minor = 0;
    let patch = 0;
    let rc = 0;
    let lastPos = -1;
    for (const t of moments(60)) {
      const pos = tipAt(t);
      if (pos <= lastPos) continue;
      const sha = mainShas[pos] as string;
      const kind = rng.weighted([
        ["release", 86],
        ["prerelease", 8],
        ["draft", 6],
      ] as const);
      if (kind === "release") {
        if (rng.chance(0.2)) {
          minor += 1;
          patch = 0;
        } else patch += 1;
      }
      const tag = kind === "prerelease" ? `v1.${minor + 1}.0-rc.${++rc}` : `v1.${minor}.${patch}`;
      const id = ctx.ids.release++;
      const author = someone();
      if (kind !== "draft")
        records.push({
          type: "tag",
          repo: full,
          name: tag,
          sha,
          taggedAt: iso(mainTimes[pos] as number),
          annotated: false,
        });
      records.push({
        type: "release",
        repo: full,
        id,
        tagName: kind === "draft" ? `v1.${minor}.${patch + 1}` : tag,
        name: kind === "draft" ? `v1.${minor}.${patch + 1} (draft)` : tag,
        body: `## What's changed\n\nRelease ${tag}.`,
        draft: kind === "draft",
        prerelease: kind === "prerelease",
        createdAt: iso(t - 300),
        publishedAt: kind === "draft" ? null : iso(t),
        targetSha: sha,
        author,
      });
      const tr = truth("release", String(id), "production", sha);
      truths.push(tr);
      if (kind !== "release") continue;
      tr.production = true;
      tr.at = iso(t);
      ship(tr, pos, t);
      lastPos = pos;
    }
    return { records, truths };
  }

  if (method.kind === "tags") {
    let minor = 0;
    let patch = 0;
    let lastPos = -1;
    const pattern = new RegExp(method.pattern);
    for (const t of moments(30)) {
      const pos = tipAt(t);
      if (pos <= lastPos) continue;
      const sha = mainShas[pos] as string;
      if (rng.chance(0.1)) {
        const name = `nightly-${iso(t).slice(0, 10).replaceAll("-", "")}`;
        records.push({ type: "tag", repo: full, name, sha, taggedAt: iso(mainTimes[pos] as number), annotated: false });
        truths.push(truth("tag", name, "production", sha));
        continue;
      }
      if (rng.chance(0.15)) {
        minor += 1;
        patch = 0;
      } else patch += 1;
      const name = `v2.${minor}.${patch}`;
      records.push({ type: "tag", repo: full, name, sha, taggedAt: iso(t), annotated: true });
      const tr = truth("tag", name, "production", sha);
      truths.push(tr);
      if (!pattern.test(name)) continue;
      tr.production = true;
      tr.at = iso(t);
      ship(tr, pos, t);
      lastPos = pos;
    }
    return { records, truths };
  }

  // Workflow: a Deploy workflow run a few times a day, plus CI runs (not deployments) on pushes.
  let runNumber = 0;
  let ciNumber = 0;
  let lastPos = -1;
  const workflowId = 600_000 + 2 * r;
  for (const t of moments(12)) {
    const pos = tipAt(t);
    if (pos <= lastPos) continue;
    const sha = mainShas[pos] as string;
    const conclusion = rng.weighted([
      ["success", 88],
      ["failure", 9],
      ["cancelled", 3],
    ] as const);
    const id = ctx.ids.run++;
    const done = t + rng.int(240, 1500);
    records.push({
      type: "workflow-run",
      repo: full,
      id,
      workflowId,
      name: method.kind === "workflow" ? method.name : "Deploy",
      path: method.kind === "workflow" ? method.path : ".github/workflows/deploy.yml",
      runNumber: ++runNumber,
      headSha: sha,
      headBranch: branch,
      event: rng.chance(0.7) ? "workflow_dispatch" : "push",
      status: "completed",
      conclusion,
      actor: someone(),
      createdAt: iso(t),
      updatedAt: iso(done),
    });
    const tr = truth("workflow", String(id), "production", sha);
    truths.push(tr);
    if (conclusion !== "success") continue;
    tr.production = true;
    tr.at = iso(done);
    ship(tr, pos, done);
    lastPos = pos;
  }
  for (const ch of byPos) {
    if (!rng.chance(0.5)) continue;
    records.push({
      type: "workflow-run",
      repo: full,
      id: ctx.ids.run++,
      workflowId: workflowId + 1,
      name: "CI",
      path: ".github/workflows/ci.yml",
      runNumber: ++ciNumber,
      headSha: ch.sha,
      headBranch: branch,
      event: "push",
      status: "completed",
      conclusion: rng.chance(0.95) ? "success" : "failure",
      actor: ch.author?.login ?? "github-actions[bot]",
      createdAt: iso(ch.mergedAt + 30),
      updatedAt: iso(ch.mergedAt + 30 + rng.int(120, 900)),
    });
  }
  return { records, truths };
}

// -- usage -----------------------------------------------------------------------------------

function* usageRecords(ctx: Context): Generator<WorldRecord> {
  const rng = new Prng(ctx.o.seed, "usage");
  const firstDay = Math.floor(ctx.start / DAY);
  const lastDay = Math.floor(ctx.now / DAY);
  for (const p of ctx.people) {
    if (p.aiRate === 0 && p.gaming !== "token-heavy") continue;
    for (let day = firstDay; day < lastDay; day++) {
      const t = day * DAY + 12 * HOUR;
      const dow = new Date(t * 1000).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      if (t < p.joinedAt || (p.leftAt !== null && t >= p.leftAt) || p.leave.some(([a, b]) => a <= t && t < b)) continue;
      for (const tool of p.tools) {
        const work = ctx.aiWork.get(`${p.idx}|${day}|${tool}`) ?? 0;
        let tokensIn = 0;
        if (p.gaming === "token-heavy") tokensIn = rng.int(8_000_000, 30_000_000);
        else if (work > 0) tokensIn = work * rng.int(150_000, 1_500_000);
        else if (rng.chance(0.35)) tokensIn = rng.int(20_000, 300_000);
        if (tokensIn === 0) continue;
        const tokensOut = Math.round(tokensIn * (0.03 + rng.float() * 0.07));
        yield {
          type: "usage",
          login: p.login,
          day: iso(day * DAY).slice(0, 10),
          tool,
          tokensIn,
          tokensOut,
          costUsd: Math.round((tokensIn * 3e-6 + tokensOut * 15e-6) * 100) / 100,
        };
      }
    }
  }
}
