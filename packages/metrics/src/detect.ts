import { Deployment, type DeploymentStatus, RepoFullName, Sha } from "@yardstick/core";
import { z } from "zod";
import { DEFAULT_ENVIRONMENT_PATTERN } from "./config.js";

/**
 * Deployment detection (METRICS.md "Production deployment"): each repository has one method;
 * the result is a list of core `Deployment`s whose statuses say when each went live.
 */

export const DeploymentMethod = z.discriminatedUnion("method", [
  z.object({
    method: z.literal("deployments"),
    /** Environment names that are production (case-insensitive regular expression). */
    environment: z.string().default(DEFAULT_ENVIRONMENT_PATTERN),
  }),
  z.object({ method: z.literal("releases") }),
  /** Tags whose name matches `pattern` (case-sensitive regular expression). */
  z.object({ method: z.literal("tags"), pattern: z.string().min(1) }),
  z.object({
    method: z.literal("workflow"),
    /** Workflow name, file name ("deploy.yml") or path (".github/workflows/deploy.yml"). */
    workflow: z.string().min(1),
    /** Branch the runs must be on (default: the tracked branch). */
    branch: z.string().min(1).optional(),
  }),
  z.object({ method: z.literal("merge") }),
]);
export type DeploymentMethod = z.infer<typeof DeploymentMethod>;

/** A repository without configuration: GitHub Deployments to a production environment. */
export const DEFAULT_DEPLOYMENT_METHOD: DeploymentMethod = {
  method: "deployments",
  environment: DEFAULT_ENVIRONMENT_PATTERN,
};

export const Release = z.object({
  id: z.string(),
  tagName: z.string(),
  /** The commit the release's tag points at. */
  sha: Sha,
  draft: z.boolean().default(false),
  prerelease: z.boolean().default(false),
  /** Null while unpublished. */
  publishedAt: z.coerce.date().nullable(),
});
export type Release = z.infer<typeof Release>;

export const Tag = z.object({
  name: z.string(),
  sha: Sha,
  /** Tagger date for annotated tags, else the commit's committer date. */
  createdAt: z.coerce.date(),
});
export type Tag = z.infer<typeof Tag>;

export const WorkflowRun = z.object({
  id: z.string(),
  /** Workflow name and file path; either may match the configured `workflow`. */
  name: z.string(),
  path: z.string().default(""),
  headBranch: z.string().nullable(),
  headSha: Sha,
  event: z.string().default("push"),
  conclusion: z.string().nullable(),
  /** When the run finished (the deployment went live). */
  updatedAt: z.coerce.date(),
});
export type WorkflowRun = z.infer<typeof WorkflowRun>;

export const MergeEvent = z.object({ sha: Sha, mergedAt: z.coerce.date(), key: z.string().default("") });
export type MergeEvent = z.infer<typeof MergeEvent>;

/** Everything known about one repository's deployment signals. */
export const RepoDeploymentSignals = z.object({
  repo: RepoFullName,
  trackedBranch: z.string().default("main"),
  method: DeploymentMethod,
  deployments: z.array(Deployment).default([]),
  releases: z.array(Release).default([]),
  tags: z.array(Tag).default([]),
  workflowRuns: z.array(WorkflowRun).default([]),
  /** Landing commits of merged changes (the last one for rebases), for "merge is deploy". */
  merges: z.array(MergeEvent).default([]),
});
export type RepoDeploymentSignals = z.infer<typeof RepoDeploymentSignals>;

export interface NoDeploymentSignal {
  repo: string;
  method: DeploymentMethod["method"];
  reason: string;
}

export interface DetectedDeployments {
  deployments: Deployment[];
  withoutSignal: NoDeploymentSignal[];
}

export const PRODUCTION = "production";

function live(at: Date): DeploymentStatus[] {
  return [{ state: "success", createdAt: at, description: "" }];
}

/** Builds the environment regular expression, naming the key when the pattern is invalid. */
export function environmentRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "iu");
  } catch (cause) {
    throw new RangeError(
      `deployment.environment: not a valid regular expression (${String(cause)}); for example "^prod(uction)?\\b"`,
    );
  }
}

function tagRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch (cause) {
    throw new RangeError(
      `deployment.pattern: not a valid regular expression (${String(cause)}); for example "^v\\d+\\.\\d+\\.\\d+$"`,
    );
  }
}

function detectRepo(signals: RepoDeploymentSignals): Deployment[] {
  const { repo, method } = signals;
  const base = { repo, ref: null, creatorLogin: null } as const;
  switch (method.method) {
    case "deployments": {
      const env = environmentRegExp(method.environment);
      return signals.deployments.filter(
        (d) => d.repo === repo && env.test(d.environment) && d.statuses.some((s) => s.state === "success"),
      );
    }
    case "releases":
      return signals.releases.flatMap((r) =>
        r.draft || r.prerelease || r.publishedAt === null
          ? []
          : [
              {
                ...base,
                source: "release" as const,
                externalId: r.id,
                environment: PRODUCTION,
                sha: r.sha,
                ref: r.tagName,
                createdAt: r.publishedAt,
                statuses: live(r.publishedAt),
              },
            ],
      );
    case "tags": {
      const re = tagRegExp(method.pattern);
      return signals.tags.flatMap((t) =>
        re.test(t.name)
          ? [
              {
                ...base,
                source: "tag" as const,
                externalId: t.name,
                environment: PRODUCTION,
                sha: t.sha,
                ref: t.name,
                createdAt: t.createdAt,
                statuses: live(t.createdAt),
              },
            ]
          : [],
      );
    }
    case "workflow": {
      const branch = method.branch ?? signals.trackedBranch;
      const matches = (run: WorkflowRun) =>
        run.name === method.workflow || run.path === method.workflow || run.path.endsWith(`/${method.workflow}`);
      return signals.workflowRuns.flatMap((run) =>
        matches(run) && run.headBranch === branch && run.conclusion === "success"
          ? [
              {
                ...base,
                source: "workflow" as const,
                externalId: run.id,
                environment: PRODUCTION,
                sha: run.headSha,
                ref: run.headBranch,
                createdAt: run.updatedAt,
                statuses: live(run.updatedAt),
              },
            ]
          : [],
      );
    }
    case "merge":
      return signals.merges.map((m) => ({
        ...base,
        source: "merge" as const,
        externalId: m.sha,
        environment: PRODUCTION,
        sha: m.sha,
        ref: signals.trackedBranch,
        createdAt: m.mergedAt,
        statuses: live(m.mergedAt),
      }));
  }
}

const REASONS: Record<DeploymentMethod["method"], string> = {
  deployments: "no deployment to a matching environment with a success status",
  releases: "no published, non-draft, non-prerelease release",
  tags: "no tag matches the pattern",
  workflow: "no successful run of the deploy workflow on the tracked branch",
  merge: "no merged change",
};

/** Detects each repository's production deployments, and reports those with none. */
export function detectDeployments(repos: readonly RepoDeploymentSignals[]): DetectedDeployments {
  const deployments: Deployment[] = [];
  const withoutSignal: NoDeploymentSignal[] = [];
  for (const signals of repos) {
    const found = detectRepo(signals);
    if (found.length === 0) {
      withoutSignal.push({ repo: signals.repo, method: signals.method.method, reason: REASONS[signals.method.method] });
    }
    deployments.push(...found);
  }
  return { deployments, withoutSignal };
}

/** A deployment's stable id: `<repo>:<source>:<externalId>`. */
export function deploymentId(d: Pick<Deployment, "repo" | "source" | "externalId">): string {
  return `${d.repo}:${d.source}:${d.externalId}`;
}

/** When the deployment went live: its first `success` status (null: never). */
export function liveAtOf(d: Pick<Deployment, "statuses">): Date | null {
  let best: Date | null = null;
  for (const s of d.statuses) {
    if (s.state === "success" && (best === null || s.createdAt < best)) best = s.createdAt;
  }
  return best;
}

/** When its status ended in `failure`/`error` after going live (null: it did not). */
export function failedAtOf(d: Pick<Deployment, "statuses">): Date | null {
  const liveAt = liveAtOf(d);
  if (liveAt === null || d.statuses.length === 0) return null;
  let last = d.statuses[0] as DeploymentStatus;
  for (const s of d.statuses) if (s.createdAt >= last.createdAt) last = s;
  return (last.state === "failure" || last.state === "error") && last.createdAt >= liveAt ? last.createdAt : null;
}
