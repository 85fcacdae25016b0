/**
 * One pull request's (or direct push's) plan: who opens it and when, how its work looks (a human's
 * or an AI form), its files, commits, reviewer, merge method, and when it is merged or closed.
 * A repository's plans are drawn into a `RepoPlanner` (repo-plan.ts).
 */
import type { AiTool } from "@yardstick/core";
import { isTrivial, makeFiles, shapeFiles } from "./files.js";
import { buildForm, FORMS_BY_TOOL, type FormSpec } from "./forms.js";
import { type Context, HOUR, type Person, type Plan, slugify } from "./model.js";
import type { Prng } from "./prng.js";
import { OBJECTS, PROSE_MENTIONS, VERBS } from "./vocabulary.js";

/** One repository being planned: its random streams, its people, and the plans drawn so far. */
export interface RepoPlanner {
  ctx: Context;
  r: number;
  /** The repository's stream: its plans, then its history and deployments, draw from it in turn. */
  rng: Prng;
  /** Whitespace and formatting in files (`shapeFiles`): a stream of its own. */
  drng: Prng;
  /** The repository's name (without the org). */
  name: string;
  /** `org/name`. */
  full: string;
  /** The people who work in it. */
  contributors: Person[];
  /** The repository's mix of merge methods (weights). */
  mergeMix: [Plan["mergeMethod"], number][];
  plans: Plan[];
}

/** A plain human change's spec (`hardNegative`: what makes it look like AI work when it is not). */
export function humanSpec(hardNegative: string | null = null, form = "human"): FormSpec {
  return { form, class: "human", tools: [], subtype: null, observable: true, markerConfidence: null, hardNegative };
}

/** A plan with every field at its default, `partial` on top. */
export function blankPlan(partial: Partial<Plan> & Pick<Plan, "kind" | "createdAt" | "spec" | "title">): Plan {
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

/** A reviewer for `p`'s change: another contributor, drawn (null: fewer than two, or four draws that were all `p`). */
export function reviewerFor(rp: RepoPlanner, p: Person | null): Person | null {
  const { rng, contributors } = rp;
  if (contributors.length < 2) return null;
  for (let i = 0; i < 4; i++) {
    const c = rng.pick(contributors);
    if (c !== p) return c;
  }
  return null;
}

/** When a plan is merged (or, 6% of pull requests, closed): a lognormal delay around `hoursMedian`. */
export function schedule(rp: RepoPlanner, plan: Plan, hoursMedian: number): void {
  const { ctx, rng } = rp;
  const delay = Math.max(600, Math.round(Math.exp(Math.log(hoursMedian * HOUR) + 0.9 * rng.normal())));
  const end = plan.createdAt + delay;
  if (rng.chance(0.06) && plan.kind === "pr" && !plan.gaming) plan.closeAt = end <= ctx.now ? end : null;
  else if (end <= ctx.now) plan.mergeAt = end;
}

/**
 * A human's change in the repository, opened at `createdAt`: AI-assisted at the person's rate (or
 * the `forced` form: an AI form's name, or `hn:<hard negative>`), not yet numbered or pushed.
 */
export function humanPlan(rp: RepoPlanner, p: Person, createdAt: number, forced: string | null): Plan {
  const { ctx, rng, drng, name, mergeMix } = rp;
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
    reviewer: reviewerFor(rp, p),
    mergeMethod: rng.weighted(mergeMix),
    labels: [
      ...(spec.labels ?? []),
      ...(rng.chance(0.3) ? [rng.pick(["bug", "enhancement", "chore", "documentation"])] : []),
    ],
  });
  schedule(rp, plan, spec.class === "ai" ? 14 : 20);
  return plan;
}
