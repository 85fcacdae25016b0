import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { Processors } from "../job-spec.js";
import { attributeChanges } from "./attribute-changes.js";
import { discoverOrg, discoverRoster } from "./discover-org.js";
import { enforceRetention } from "./enforce-retention.js";
import { importUsageSources } from "./import-usage.js";
import { linkDeployments } from "./link-deployments.js";
import { recomputeRollups } from "./recompute-rollups.js";
import { sendDigest } from "./send-digest.js";
import { syncBranch } from "./sync-branch.js";
import { syncDeployments } from "./sync-deployments.js";
import { syncIncidents } from "./sync-incidents.js";
import { syncPullDiffs } from "./sync-pull-diffs.js";
import { syncPulls } from "./sync-pulls.js";
import { syncReviews } from "./sync-reviews.js";

/** One processor per job of the catalog (a missing one does not compile). */
export const processors: Processors<Jobs, PipelineDeps> = {
  "sync.tick": (payload, context, deps) =>
    context.enqueue("discover.org", {
      org: payload.org,
      runId: `tick-${deps.now().toISOString().replaceAll(":", "")}`,
    }),
  "discover.org": discoverOrg,
  "discover.roster": discoverRoster,
  "usage.import": importUsageSources,
  "sync.pulls": syncPulls,
  "sync.pull-request": (payload, context) =>
    // A webhook's merged PR: an incremental pass picks it up (it is the most recently updated) at
    // the cost of one page.
    context.enqueue("sync.pulls", { repo: payload.repo, runId: payload.runId, since: null }),
  "sync.pull-diffs": syncPullDiffs,
  "sync.deployments": syncDeployments,
  "sync.branch": syncBranch,
  "sync.incidents": syncIncidents,
  "attribute.changes": attributeChanges,
  "sync.reviews": syncReviews,
  "link.deployments": linkDeployments,
  "rollups.recompute": recomputeRollups,
  "digest.weekly": sendDigest,
  "privacy.enforce": enforceRetention,
};

export { personIdFor, ROSTER_STREAM, rosterWaitMs } from "./discover-org.js";
export { BRANCH_STREAM } from "./sync-branch.js";
export { incidentsStream } from "./sync-incidents.js";
export { PULL_DIFFS_PAGE, PULL_DIFFS_STREAM } from "./sync-pull-diffs.js";
export { PULLS_PASS_STREAM, PULLS_STREAM } from "./sync-pulls.js";
export { REVIEWS_STREAM } from "./sync-reviews.js";
