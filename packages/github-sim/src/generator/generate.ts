/**
 * The world generator: `generateWorld` streams a deterministic world from a few options. Its
 * parts, one concept a module:
 * - model.ts: the options, people, plans and context, time constants and small helpers;
 * - org.ts: people and teams (and gamers among them), repositories and their records;
 * - files.ts: a change's files, their whitespace and formatting, and the trivial-change truth;
 * - pull-plan.ts, repo-plan.ts, gamers.ts, reverts.ts: planning a repository's pull requests and
 *   direct pushes (human and AI work, bots, very large ones, gamers' work, reverts);
 * - messages.ts: commit identities and messages, GitHub's squash message;
 * - history.ts: building a repository's history (commits, merges, pull-request records);
 * - deployments.ts: deployments by method and which changes each ships;
 * - repo.ts: one repository start to end, its issues (incidents.ts) and its ground truth;
 * - usage.ts: AI tools' daily token use.
 * forms.ts holds the AI forms, vocabulary.ts the words, prng.ts the random streams.
 */
import { WORLD_FORMAT, WORLD_FORMAT_VERSION, type WorldRecord } from "../world/schema.js";
import {
  activeInWeek,
  type Context,
  capital,
  DAY,
  DEFAULT_NOW,
  GENERATOR_NAME,
  type GenerateOptions,
  iso,
  WEEK,
} from "./model.js";
import { makePeople, makeTeams, repoRecord, teamRecords, userRecords } from "./org.js";
import { generateRepo } from "./repo.js";
import { usageRecords } from "./usage.js";

export { filesTruth, isTrivial } from "./files.js";
export { squashMessage } from "./messages.js";
export { type GamerStrategy, GENERATOR_NAME, type GenerateOptions, iso, type RevertForm } from "./model.js";
export { deployMethodOf } from "./org.js";

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
  yield* teamRecords(ctx);
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
