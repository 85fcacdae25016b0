/**
 * Planning a repository's pull requests and direct pushes: human and AI work week by week (with
 * the coverage schedule and gamers), direct pushes on trunk-based repositories, bots, very large
 * pull requests, reverts; then their numbers. The history (history.ts) is built from the plans.
 */
import type { WorldFile } from "../world/schema.js";
import { isTrivial, makeFiles, plainFiles } from "./files.js";
import { AI_FORMS } from "./forms.js";
import { burstWork, gamerWork } from "./gamers.js";
import { activeInWeek, type BotKind, DAY, HOUR, type Person, type Plan, slugify, WEEK, workTime } from "./model.js";
import { isTrunkBased } from "./org.js";
import { blankPlan, humanPlan, humanSpec, type RepoPlanner, reviewerFor, schedule } from "./pull-plan.js";
import { planReverts, writeRevert } from "./reverts.js";
import { AI_PACKAGES, AREAS, LOCK_FILES, PACKAGES } from "./vocabulary.js";

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

/** The repository's mix of merge methods (weights): squash-heavy, merge-heavy or mostly squash. */
export function mergeMixOf(r: number): [Plan["mergeMethod"], number][] {
  return r % 4 === 0
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
}

/**
 * Draws every plan of the repository into `rp.plans`, in this order (each step's draws follow the
 * last's on the repository's stream), and numbers its pull requests in creation order.
 */
export function planRepo(rp: RepoPlanner): void {
  const { plans } = rp;
  planWeeks(rp);
  planPushes(rp);
  planBots(rp);
  planBigPulls(rp);
  // Reverts (some within 14 days, some later), and a revert of a revert.
  planReverts(rp);
  const numbered = plans.filter((p) => p.kind === "pr").sort((a, b) => a.createdAt - b.createdAt);
  numbered.forEach((p, i) => {
    p.number = i + 1;
  });
  // Reverts name their target by number, so their text is written once numbers are known (in
  // creation order: a revert of a revert quotes the first revert's final title).
  for (const p of numbered) if (p.revertOf) writeRevert(p, p.revertOf, rp.full);
}

/** Human and AI pull requests, week by week; the first ones walk through `COVERAGE`; gamers' work. */
function planWeeks(rp: RepoPlanner): void {
  const { ctx, rng, r, contributors, plans } = rp;
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
        plans.push(humanPlan(rp, p, workTime(rng, ctx, w), forced));
      }
      if (p.gaming === "burst" && w === ctx.burstWeek && p.repos[0] === r) burstWork(rp, p, w);
      if (p.repos[0] === r) gamerWork(rp, p, w);
    }
  }
}

/** Direct pushes on trunk-based repositories. */
function planPushes(rp: RepoPlanner): void {
  const { ctx, rng, r, contributors, plans } = rp;
  if (isTrunkBased(r)) {
    for (let w = 0; w < ctx.o.weeks; w++) {
      for (const p of contributors) {
        if (!activeInWeek(ctx, p, w)) continue;
        for (let i = rng.poisson(1.2); i > 0; i--) {
          const plan = humanPlan(rp, p, workTime(rng, ctx, w), null);
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
}

/** Bots: Dependabot, Renovate (odd repositories) and GitHub Actions pull requests, week by week. */
function planBots(rp: RepoPlanner): void {
  const { ctx, rng, r, plans } = rp;
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
        reviewer: reviewerFor(rp, null),
        mergeMethod: "squash",
        labels: bot === "actions" ? [] : ["dependencies"],
      });
      plan.headRef = plan.headRef.slice(0, 80);
      schedule(rp, plan, 30);
      plans.push(plan);
    }
  }
}

/** Very large pull requests (more than 100 and more than 250 commits), in the first two repositories. */
function planBigPulls(rp: RepoPlanner): void {
  const { ctx, rng, r, contributors, plans } = rp;
  if (r < 2 && contributors.length > 0) {
    const big = r === 0 ? [120, 260] : [310];
    big.forEach((k, i) => {
      const p = contributors[i % contributors.length] as Person;
      const plan = humanPlan(rp, p, ctx.start + Math.floor(ctx.o.weeks / 3 + i) * WEEK + 2 * DAY + 10 * HOUR, null);
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
}
