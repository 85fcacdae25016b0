/**
 * The generator's model, shared by its modules: the options, the people and pull-request plans
 * it works with, the context one world is generated in, time constants and small helpers.
 */
import type { AiTool } from "@yardstick/core";
import type { GAMER_STRATEGIES, TruthDeployment, WorldFile } from "../world/schema.js";
import type { FormSpec, Ident } from "./forms.js";
import type { Prng } from "./prng.js";

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
export const DEFAULT_NOW = "2026-11-23T00:00:00Z";
export const WEEK = 604_800;
export const DAY = 86_400;
export const HOUR = 3_600;
/** GitHub itself, as committer of merges and squashes. */
export const GITHUB: Ident = { name: "GitHub", email: "noreply@github.com", login: null };

/** Epoch seconds to `YYYY-MM-DDTHH:MM:SSZ`. */
export function iso(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}

export interface Person {
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

export type BotKind = "dependabot" | "renovate" | "actions";

export interface Plan {
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

export interface Ids {
  pull: number;
  review: number;
  deployment: number;
  status: number;
  run: number;
  release: number;
  issue: number;
}

export interface Context {
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
 * How reverts name what they revert (METRICS.md "Change failure rate"): GitHub's revert button
 * (title, body `Reverts owner/repo#<n>`, branch `revert-<n>-...`, "This reverts commit"),
 * `git revert` of a squash commit pushed from a branch of one's own (`Revert "<title> (#<n>)"`),
 * a hand-written revert naming the pull request by number or by URL in its body only, and a
 * revert pull request opened by a coding agent (Copilot) for its human.
 */
export type RevertForm = "button" | "squash" | "number" | "url" | "agent";

/** `acme` -> `Acme`. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A login or branch-name part from a name or title: lower case, dashes, at most 40 characters. */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40)
    .replace(/-$/, "");
}

/** Whether `p` works in week `w` (joined, not left, not on leave in the middle of the week). */
export function activeInWeek(ctx: Context, p: Person, w: number): boolean {
  const mid = ctx.start + w * WEEK + 3 * DAY;
  if (p.joinedAt > mid) return false;
  if (p.leftAt !== null && p.leftAt <= mid) return false;
  return !p.leave.some(([from, to]) => from <= mid && mid < to);
}

/** A working-hours moment in week `w` (mostly Monday to Friday, 08:00-19:00 UTC). */
export function workTime(rng: Prng, ctx: Context, w: number): number {
  const day = rng.chance(0.06) ? rng.int(5, 6) : rng.int(0, 4);
  return ctx.start + w * WEEK + day * DAY + rng.int(8, 18) * HOUR + rng.int(0, HOUR - 1);
}

/** The position on main (an index into `mainTimes`) of its tip at time `t`. */
export function tipAt(mainTimes: readonly number[], t: number): number {
  let lo = 0;
  let hi = mainTimes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((mainTimes[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
