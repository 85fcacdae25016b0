import type { GroupContext, GroupSpec } from "./compute.js";
import type { ChangeFact, DeploymentFact, FailureReason } from "./prepare.js";

/**
 * The drill-down of one group-week: the changes and deployments its figures are made of, with
 * the engine's verdict on each, so that a reader can open a number and see what is behind it.
 *
 * The lists add up to the figures `evaluateGroupWeek` gives for the same group-week:
 * - qualifyingChanges = changes with `qualifying`; aiQualifyingChanges = those also `ai`;
 * - ND = changes `counted` / activeEngineers; AIND = changes `countedAi` / activeEngineers
 *   (per person, the first `weeklyCap` by deployment time, then key, are counted: the cap);
 * - deployments = the deployment list's length; change failure rate = the `failed` share;
 *   recovery time = the median of `recoveryHours` of the failed ones.
 */
export interface ExplainedChange {
  key: string;
  repo: string;
  person: string | null;
  ai: boolean;
  qualifying: boolean;
  /** Why it does not qualify (empty when it does). */
  exclusions: ChangeExclusion[];
  counted: boolean;
  countedAi: boolean;
  mergedAt: Date;
  deployedAt: Date | null;
  deploymentId: string | null;
  leadTimeHours: number | null;
}

/** Why a deployed change is not a qualifying change (METRICS.md "Qualifying change"). */
export type ChangeExclusion = "trivial" | "reverted" | "revert" | "not-deployed";

export interface ExplainedDeployment {
  id: string;
  repo: string;
  environment: string;
  liveAt: Date;
  failed: boolean;
  failureReasons: FailureReason[];
  recoveryHours: number | null;
  shipsAi: boolean;
  shipped: string[];
}

export interface GroupWeekExplained {
  changes: ExplainedChange[];
  deployments: ExplainedDeployment[];
}

/** Why a change fact does not qualify (empty when it does). */
export function exclusionsOf(f: ChangeFact): ChangeExclusion[] {
  const out: ChangeExclusion[] = [];
  if (f.deployedAt === null) out.push("not-deployed");
  if (f.trivial) out.push("trivial");
  if (f.reverted) out.push("reverted");
  if (f.revert) out.push("revert");
  return out;
}

const byDeployment = (a: ChangeFact, b: ChangeFact): number =>
  (a.deployedAt?.getTime() ?? 0) - (b.deployedAt?.getTime() ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The changes deployed in `week` for the group's people (as `evaluateGroupWeek` counts them) and
 * the group's production deployments of the week, in deployment order.
 */
export function explainGroupWeek(ctx: GroupContext, spec: GroupSpec, week: string): GroupWeekExplained {
  const cap = ctx.prep.config.thresholds.weeklyCap;
  const members = ctx.membersOf(spec, week);
  const deployed = ctx
    .changes(spec, "deployed", week, members)
    .filter((f) => f.deployedWeek === week)
    .sort(byDeployment);
  const seen = new Map<string, number>();
  const seenAi = new Map<string, number>();
  const changes = deployed.map((f): ExplainedChange => {
    let counted = false;
    let countedAi = false;
    if (f.qualifying) {
      const person = f.person as string;
      const n = (seen.get(person) ?? 0) + 1;
      seen.set(person, n);
      counted = n <= cap;
      if (f.ai) {
        const m = (seenAi.get(person) ?? 0) + 1;
        seenAi.set(person, m);
        countedAi = m <= cap;
      }
    }
    return {
      key: f.key,
      repo: f.repo,
      person: f.person,
      ai: f.ai,
      qualifying: f.qualifying,
      exclusions: exclusionsOf(f),
      counted,
      countedAi,
      mergedAt: f.mergedAt,
      deployedAt: f.deployedAt,
      deploymentId: f.deploymentId,
      leadTimeHours: f.leadTimeHours,
    };
  });
  const deployments = [...ctx.deployments(spec, week)]
    .sort((a, b) => a.liveAt.getTime() - b.liveAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(
      (d: DeploymentFact): ExplainedDeployment => ({
        id: d.id,
        repo: d.repo,
        environment: d.environment,
        liveAt: d.liveAt,
        failed: d.failed,
        failureReasons: [...d.failureReasons],
        recoveryHours: d.recoveryHours,
        shipsAi: d.shipsAi,
        shipped: [...d.shipped],
      }),
    );
  return { changes, deployments };
}
