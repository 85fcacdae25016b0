/**
 * One repository, start to end: its plans (repo-plan.ts), its history (history.ts), its
 * deployments (deployments.ts), its issues (incidents.ts), and its ground truth, written in that
 * order: commits, branch, pulls, deployment records, issues, truth-change, truth-deployment and
 * truth-issue records.
 */
import type { TruthChange, WorldRecord } from "../world/schema.js";
import { simulateDeployments } from "./deployments.js";
import { filesTruth } from "./files.js";
import { buildHistory } from "./history.js";
import { generateIssues } from "./incidents.js";
import { type Context, DAY, iso, type Person, type Plan } from "./model.js";
import { deployMethodOf, repoName } from "./org.js";
import { Prng } from "./prng.js";
import type { RepoPlanner } from "./pull-plan.js";
import { mergeMixOf, planRepo } from "./repo-plan.js";

/** Repository `r`'s records. Its draws come from its own streams (`repo`, `diff`, ... with `r`). */
export function* generateRepo(ctx: Context, r: number): Generator<WorldRecord> {
  const rng = new Prng(ctx.o.seed, "repo", r);
  /** Whitespace and formatting in files (`shapeFiles`): a stream of its own. */
  const drng = new Prng(ctx.o.seed, "diff", r);
  const name = repoName(r);
  const full = `${ctx.org}/${name}`;
  const branch = r % 7 === 6 ? "master" : "main";
  const method = deployMethodOf(r);
  const contributors = ctx.people.filter((p) => p.repos.includes(r));
  const rp: RepoPlanner = { ctx, r, rng, drng, name, full, contributors, mergeMix: mergeMixOf(r), plans: [] };
  planRepo(rp);
  const { commits, mainShas, mainTimes, pulls, changes, offBranch } = buildHistory(
    ctx,
    rng,
    r,
    full,
    branch,
    rp.plans,
    contributors,
  );

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
    offBranch,
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

  // Ground truth: the changes (marking deployments that shipped a change reverted within 14 days), then
  // the deployments, then the issues'.
  yield* changeTruths(ctx, full, changes);
  for (const d of deploy.truths) {
    d.failed = d.production && (d.failedAfterLive || d.rolledBack || d.shippedRevertedChange || d.incident);
    yield d;
  }
  yield* issues.truths;
}

/**
 * The merged changes' ground truth, in merge order. Marks the deployments that shipped a change
 * reverted within 14 days, and counts each person's AI changes per day and tool (`ctx.aiWork`,
 * for the usage records).
 */
function* changeTruths(ctx: Context, full: string, changes: Plan[]): Generator<TruthChange> {
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
}
