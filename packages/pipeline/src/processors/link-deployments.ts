import { repositorySettings } from "@yardstick/config";
import {
  type Database,
  getSyncCursor,
  linkDeploymentChanges,
  listDeployments,
  setChangeDeployments,
  withFirstParentChain,
  withKeyedLock,
} from "@yardstick/db";
import { deploymentId, indexLinkPlan, linkChangeAt, liveAtOf, planDeploymentLinks } from "@yardstick/metrics";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";
import { BRANCH_STREAM } from "./sync-branch.js";

/** Changes read, linked and written at once (PipelineDeps.pageSize overrides it). */
export const LINK_PAGE = 2_000;

/**
 * Links a repository's production deployments to the changes they shipped (the metrics
 * package's linking rule) and stores each change's deployedAt and deployment, and each
 * deployment's shipped changes. Runs after both attribution and deployment sync of the repo, in
 * whichever order they finish; idempotent.
 *
 * Bounded memory: the commit graph stays in PostgreSQL (the tracked branch's first-parent chain
 * is walked there, into a temporary table; off-branch deployments' ancestors likewise), the
 * deployments are held with their positions, and the changes are read, linked and written in
 * pages of LINK_PAGE by key: a change's link depends only on the deployments' intervals around
 * its own position (`linkChangeAt`), so a page needs nothing of the others. One transaction, so
 * a reader never sees half a repository relinked.
 */
export async function linkDeployments(
  payload: PayloadOf<Jobs, "link.deployments">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  if (repositorySettings(deps.config, repo).deployment.method === "merge") return; // deployedAt = mergedAt, derived in metrics
  const pageSize = deps.pageSize ?? LINK_PAGE;

  // One link of a repository at a time, reading what it links from inside the lock: a run enqueued
  // by attribution and one enqueued by the deployment sync can overlap, and the one that read the
  // branch head and the deployments first must not commit last over the other's (newer) links.
  const { stored, counts } = await withKeyedLock(deps.db, "link.deployments", repo, async (locked) => {
    const head = (await getSyncCursor(locked, repo, BRANCH_STREAM))?.state.head ?? null;
    const stored = await listDeployments(locked, { repo });
    const counts = await linkWithChain(locked, repo, head, stored, pageSize, deps);
    return { stored, counts };
  });
  context.logger.info({ repo, deployments: stored.length, ...counts }, "deployments linked");
}

async function linkWithChain(
  db: Database,
  repo: string,
  head: string | null,
  stored: Awaited<ReturnType<typeof listDeployments>>,
  pageSize: number,
  deps: PipelineDeps,
) {
  const rowId = new Map(stored.map((d) => [deploymentId(d), d.id]));
  return withFirstParentChain(db, repo, head, async (chain, tx) => {
    const positions = await chain.positionsOf(stored.flatMap((d) => (liveAtOf(d) === null ? [] : [d.sha])));
    const bases = new Map<string, number | null>();
    for (const [sha, position] of positions) if (position === null) bases.set(sha, await chain.basePositionOf(sha));
    const plan = planDeploymentLinks(
      stored,
      (sha) => positions.get(sha) ?? null,
      (sha) => bases.get(sha) ?? null,
      deps.config.thresholds.lookbackWeeks * 7,
    );
    const index = indexLinkPlan(plan);
    let deployed = 0;
    let changes = 0;
    for await (const page of chain.changePages(pageSize)) {
      const linked = page.map((c) => linkChangeAt(index, c, c.position));
      await setChangeDeployments(
        tx,
        linked.map(({ link }) => ({
          key: link.key,
          deployedAt: link.deployedAt,
          deploymentId: link.deploymentId === null ? null : (rowId.get(link.deploymentId) ?? null),
        })),
      );
      await linkDeploymentChanges(
        tx,
        linked.flatMap(({ link, shippedBy }) =>
          shippedBy.flatMap((d) => {
            const id = rowId.get(d.id);
            return id === undefined
              ? []
              : [{ deploymentId: id, changeKey: link.key, deployedAt: link.deployedAt ?? d.liveAt }];
          }),
        ),
      );
      changes += page.length;
      deployed += linked.filter(({ link }) => link.deployedAt !== null).length;
    }
    return { changes, deployed, offBranch: plan.offBranchDeployments.length, chain: chain.length };
  });
}
