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
 * after the fact (a deployment can fail later), so each sync re-reads the window, a page at a
 * time: each page's production deployments are stored before the next is read, and the marker
 * after the last (a job stopped half-way leaves it, so the next check reads the window again).
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
  const ref = splitRepo(repo);
  const page = (items: number, points: number, remaining: number | null) =>
    deps.onProgress?.({ kind: "page", repo, stream: "deployments", items, points, remaining });
  // Detection judges each signal on its own (a deployment by its statuses, a release, a tag, a
  // run), so each page is detected and stored as it is read: the window's signals are never all
  // held. The window holds whatever the source's own filter is (a workflow run's `created` filter
  // is by day, and not every server applies it): nothing before the backfill start is stored.
  let stored = 0;
  const store = async (found: Partial<Omit<RepoDeploymentSignals, "repo" | "trackedBranch" | "method">>) => {
    const signals: RepoDeploymentSignals = {
      repo,
      trackedBranch,
      method,
      deployments: [],
      releases: [],
      tags: [],
      workflowRuns: [],
      merges: [],
      ...found,
    };
    const detected = detectDeployments([signals]).deployments.filter((d) => d.createdAt >= since);
    if (detected.length > 0) await upsertDeployments(deps.db, detected);
    stored += detected.length;
  };

  switch (method.method) {
    case "deployments":
      for await (const p of deployments(deps.github, ref)) {
        await store({ deployments: p.deployments.filter((d) => d.createdAt >= since) });
        page(p.deployments.length, p.cost.graphqlPoints, p.rateLimit?.remaining ?? null);
      }
      break;
    case "releases":
      for await (const p of releases(deps.github, { ...ref, since })) {
        await store({
          releases: p.releases.flatMap((r) =>
            r.sha === null // a draft whose tag does not exist yet
              ? []
              : [
                  {
                    id: String(r.id),
                    tagName: r.tagName,
                    sha: r.sha,
                    draft: r.draft,
                    prerelease: r.prerelease,
                    publishedAt: r.publishedAt,
                  },
                ],
          ),
        });
        page(p.releases.length, p.cost.graphqlPoints, p.rateLimit?.remaining ?? null);
      }
      break;
    case "tags":
      for await (const p of tags(deps.github, { ...ref, since })) {
        await store({
          tags: p.tags.flatMap((t) =>
            t.taggedAt === null ? [] : [{ name: t.name, sha: t.sha, createdAt: t.taggedAt }],
          ),
        });
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
        await store({
          workflowRuns: p.runs.map((r) => ({
            id: String(r.id),
            name: r.name,
            path: r.path,
            headBranch: r.headBranch,
            headSha: r.headSha,
            event: r.event,
            conclusion: r.conclusion,
            updatedAt: r.updatedAt,
          })),
        });
        page(p.runs.length, 0, null);
      }
      break;
    case "merge":
      break;
  }
  // The marker was read before this job started, so it never claims more than was read here;
  // a webhook-driven sync has none and leaves the stored one (the next check reads again).
  if (payload.marker != null)
    await upsertSyncCursor(deps.db, {
      scope: repo,
      stream: DEPLOYMENTS_STREAM,
      state: { marker: payload.marker },
      lastRunAt: deps.now(),
    });
  deps.onProgress?.({ kind: "done", repo, stream: "deployments" });
  context.logger.info({ repo, method: method.method, deployments: stored }, "deployments synced");
  await context.enqueue("link.deployments", { repo, runId: `${payload.runId}.deployments` });
}
