/**
 * The organisation: its people (joiners, leavers, leave, AI adoption, gamers), its teams and
 * who is in them, its repositories (names, deployment methods), and their records.
 */
import type { AiTool } from "@yardstick/core";
import type { DeployMethod, WorldRecord, WorldUser } from "../world/schema.js";
import { type Account, BOT_ACCOUNTS, TOOL_POPULARITY } from "./forms.js";
import { type Context, DAY, type GamerStrategy, iso, type Person, slugify, WEEK } from "./model.js";
import { Prng } from "./prng.js";
import { AI_LIKE_NAMES, FIRST_NAMES, LAST_NAMES, REPO_NOUNS, TEAM_NAMES } from "./vocabulary.js";

function teamName(t: number): string {
  const base = TEAM_NAMES[t % TEAM_NAMES.length] as string;
  return t < TEAM_NAMES.length ? base : `${base} ${Math.floor(t / TEAM_NAMES.length) + 1}`;
}

export function repoName(r: number): string {
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

/** One repository in 25 is trunk-based (direct pushes to its default branch). */
export function isTrunkBased(r: number): boolean {
  return r % 25 === 5;
}

/** Draws the engineers (stream `people`): names, logins, dates, leave, AI use, gamers. */
export function makePeople(ctx: Context): void {
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

/** Draws the teams (stream `teams`), their members, and each person's repositories. */
export function makeTeams(ctx: Context): void {
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

/** The users' records: the engineers, then the bots. */
export function* userRecords(ctx: Context): Generator<WorldUser> {
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

/** The teams' records, with their members (current and former) by login. */
export function* teamRecords(ctx: Context): Generator<WorldRecord> {
  for (let t = 0; t < ctx.o.teams; t++) {
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
}

export function repoRecord(ctx: Context, r: number): WorldRecord {
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
