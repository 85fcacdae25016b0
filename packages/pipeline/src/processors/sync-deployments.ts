import { repositorySettings } from "@yardstick/config";
import { defaultBranchOf, ensureRepositories, upsertDeployments, upsertSyncCursor } from "@yardstick/db";
import { deployments, releases, tags, workflowRuns } from "@yardstick/github";
import { DeploymentMethod, detectDeployments, type RepoDeploymentSignals } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps, splitRepo, trackedBranchOf } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/** `marker`: the deployment marker (see sync-pulls) read before the last complete read. */
export const DEPLOYMENTS_STREAM = "deployments";

/**
 * Reads a repository's deployment signal by its configured method (GitHub Deployments with
 * statuses, releases, tags, deploy-workflow runs) and stores the production deployments that the
 * metrics package's detection accepts (one place decides what production is). Statuses change
 * after the fact (a deployment can fail later), so each sync re-reads the window.
 * "merge is deploy" needs nothing from GitHub: it is derived from the merges themselves.
 */
export async function syncDeployments(
  payload: PayloadOf<Jobs, "sync.deployments">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  await ensureRepositories(deps.db, [repo]);
  const method = DeploymentMethod.parse(repositorySettings(deps.config, repo).deployment);
  const trackedBranch = trackedBranchOf(deps.config, repo, await defaultBranchOf(deps.db, repo)) ?? "main";
  const since = backfillStart(deps, null);
  const signals: RepoDeploymentSignals = {
    repo,
    trackedBranch,
    method,
    deployments: [],
    releases: [],
    tags: [],
    workflowRuns: [],
    merges: [],
  };
  const ref = splitRepo(repo);
  const page = (items: number, points: number, remaining: number | null) =>
    deps.onProgress?.({ kind: "page", repo, stream: "deployments", items, points, remaining });

  switch (method.method) {
    case "deployments":
      for await (const p of deployments(deps.github, ref)) {
        signals.deployments.push(...p.deployments.filter((d) => d.createdAt >= since));
        page(p.deployments.length, p.cost.graphqlPoints, p.rateLimit?.remaining ?? null);
      }
      break;
    case "releases":
      for await (const p of releases(deps.github, { ...ref, since })) {
        for (const r of p.releases) {
          if (r.sha === null) continue; // a draft whose tag does not exist yet
          signals.releases.push({
            id: String(r.id),
            tagName: r.tagName,
            sha: r.sha,
            draft: r.draft,
            prerelease: r.prerelease,
            publishedAt: r.publishedAt,
          });
        }
        page(p.releases.length, p.cost.graphqlPoints, p.rateLimit?.remaining ?? null);
      }
      break;
    case "tags":
      for await (const p of tags(deps.github, { ...ref, since })) {
        for (const t of p.tags)
          if (t.taggedAt !== null) signals.tags.push({ name: t.name, sha: t.sha, createdAt: t.taggedAt });
        page(p.tags.length, p.cost.graphqlPoints, p.rateLimit?.remaining ?? null);
      }
      break;
    case "workflow":
      for await (const p of workflowRuns(deps.github, {
        ...ref,
        branch: method.branch ?? trackedBranch,
        createdSince: since,
        etags: deps.etags,
      })) {
        for (const r of p.runs) {
          signals.workflowRuns.push({
            id: String(r.id),
            name: r.name,
            path: r.path,
            headBranch: r.headBranch,
            headSha: r.headSha,
            event: r.event,
            conclusion: r.conclusion,
            updatedAt: r.updatedAt,
          });
        }
        page(p.runs.length, 0, null);
      }
      break;
    case "merge":
      break;
  }
  // The window holds whatever the source's own filter is (a workflow run's `created` filter is by
  // day, and not every server applies it): nothing before the backfill start is stored.
  const detected = detectDeployments([signals]).deployments.filter((d) => d.createdAt >= since);
  await deps.db.transaction(async (tx) => {
    await upsertDeployments(tx, detected);
    // The marker was read before this job started, so it never claims more than was read here;
    // a webhook-driven sync has none and leaves the stored one (the next check reads again).
    if (payload.marker != null)
      await upsertSyncCursor(tx, {
        scope: repo,
        stream: DEPLOYMENTS_STREAM,
        state: { marker: payload.marker },
        lastRunAt: deps.now(),
      });
  });
  deps.onProgress?.({ kind: "done", repo, stream: "deployments" });
  context.logger.info({ repo, method: method.method, deployments: detected.length }, "deployments synced");
  await context.enqueue("link.deployments", { repo, runId: `${payload.runId}.deployments` });
}
