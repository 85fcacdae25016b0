import { RepoFullName } from "@yardstick/core";
import type { Jobs, PayloadOf } from "@yardstick/pipeline";
import { z } from "zod";

/**
 * The webhook events Yardstick acts on, validated with only the fields it reads (GitHub adds
 * fields freely; unknown ones pass). Each maps to targeted sync jobs: a merged PR syncs that PR,
 * a deployment event syncs the repository's deployments, and so on, never a full resync.
 */
const repository = z.object({ full_name: RepoFullName });

export const WebhookPayloads = {
  ping: z.object({ zen: z.string().optional(), hook_id: z.number().optional() }),
  pull_request: z.object({
    action: z.string(),
    number: z.number().int().positive(),
    pull_request: z.object({ merged: z.boolean().nullable().optional(), merged_at: z.string().nullable() }),
    repository,
  }),
  deployment: z.object({ action: z.string(), deployment: z.object({ id: z.number(), sha: z.string() }), repository }),
  deployment_status: z.object({
    action: z.string(),
    deployment_status: z.object({ state: z.string() }),
    deployment: z.object({ id: z.number() }),
    repository,
  }),
  workflow_run: z.object({
    action: z.string(),
    workflow_run: z.object({ id: z.number(), status: z.string().nullable(), conclusion: z.string().nullable() }),
    repository,
  }),
  release: z.object({ action: z.string(), release: z.object({ id: z.number(), tag_name: z.string() }), repository }),
  push: z.object({ ref: z.string(), after: z.string(), repository }),
  issues: z.object({
    action: z.string(),
    issue: z.object({
      number: z.number().int().positive(),
      labels: z.array(z.object({ name: z.string() })).default([]),
    }),
    /** The label added or removed (labeled / unlabeled). */
    label: z.object({ name: z.string() }).optional(),
    repository,
  }),
} as const;

export type WebhookEvent = keyof typeof WebhookPayloads;

export function isHandledEvent(event: string): event is WebhookEvent {
  return Object.hasOwn(WebhookPayloads, event);
}

export type EnqueueRequest = {
  [N in keyof Jobs]: { name: N; payload: PayloadOf<Jobs, N> };
}[keyof Jobs];

export interface EventOptions {
  /** The configured incident label (`incidents.label`); issue events matter only with one. */
  incidentLabel?: string | undefined;
}

/** The jobs an event asks for (none for events that change nothing Yardstick measures). */
export function jobsForEvent(
  event: WebhookEvent,
  payload: unknown,
  runId: string,
  options: EventOptions = {},
): EnqueueRequest[] {
  switch (event) {
    case "ping":
      return [];
    case "pull_request": {
      const p = WebhookPayloads.pull_request.parse(payload);
      const merged = p.action === "closed" && (p.pull_request.merged === true || p.pull_request.merged_at !== null);
      return merged
        ? [{ name: "sync.pull-request", payload: { repo: p.repository.full_name, number: p.number, runId } }]
        : [];
    }
    case "deployment":
    case "deployment_status": {
      const p = WebhookPayloads[event].parse(payload);
      return [{ name: "sync.deployments", payload: { repo: p.repository.full_name, runId } }];
    }
    case "workflow_run": {
      const p = WebhookPayloads.workflow_run.parse(payload);
      return p.action === "completed"
        ? [{ name: "sync.deployments", payload: { repo: p.repository.full_name, runId } }]
        : [];
    }
    case "release": {
      const p = WebhookPayloads.release.parse(payload);
      return ["published", "released", "edited", "deleted", "unpublished"].includes(p.action)
        ? [{ name: "sync.deployments", payload: { repo: p.repository.full_name, runId } }]
        : [];
    }
    case "issues": {
      // An issue that carries (or just lost) the incident label: resync that repository's incident issues.
      const p = WebhookPayloads.issues.parse(payload);
      const wanted = options.incidentLabel?.toLowerCase();
      if (wanted === undefined) return [];
      const names = [...p.issue.labels.map((l) => l.name), ...(p.label === undefined ? [] : [p.label.name])];
      return names.some((n) => n.toLowerCase() === wanted)
        ? [{ name: "sync.incidents", payload: { repo: p.repository.full_name, runId } }]
        : [];
    }
    case "push": {
      const p = WebhookPayloads.push.parse(payload);
      // Branch pushes feed direct-push changes and merge-is-deploy; tag pushes feed tag deployments.
      return [
        {
          name: p.ref.startsWith("refs/tags/") ? "sync.deployments" : "sync.branch",
          payload: { repo: p.repository.full_name, runId },
        },
      ];
    }
  }
}
