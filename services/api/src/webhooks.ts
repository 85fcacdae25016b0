import type { Logger } from "@yardstick/log";
import { verifyWebhookSignature } from "./signature.js";
import { type EnqueueRequest, isHandledEvent, jobsForEvent, WebhookPayloads } from "./webhook-events.js";

/**
 * Remembers deliveries so that a redelivery or a replay changes nothing. `begin` says whether the
 * id is new, was seen but its jobs were never enqueued (a crash or a Redis outage in between:
 * enqueue again), or is done. `complete` marks it done once its jobs are enqueued.
 */
export interface DeliveryStore {
  begin(delivery: { id: string; event: string; receivedAt: Date }): Promise<"new" | "pending" | "done">;
  complete(id: string): Promise<void>;
}

export interface WebhookDeps {
  secret: string;
  deliveries: DeliveryStore;
  enqueue: (request: EnqueueRequest) => Promise<void>;
  logger: Logger;
  now: () => Date;
  /** The configured incident label: `issues` events carrying it resync the repository's incident issues. */
  incidentLabel?: string | undefined;
  /**
   * Whether a repository is in the configured scope (`isRepositorySelected(config, repo)` from
   * @yardstick/config: listed, or in a configured organisation, matching its include patterns and
   * none of its excludes). An organisation webhook delivers events of every repository, excluded
   * ones too: those are acknowledged (202), logged, counted and otherwise ignored. Without it,
   * every repository is in scope.
   */
  inScope?: ((repo: string) => boolean) | undefined;
  /** Counts of deliveries ignored because of their repository, for a status page or metrics. */
  counters?: WebhookCounters | undefined;
}

export interface WebhookCounters {
  /** Events of a repository outside the configured scope. */
  outOfScope: number;
}

export function newWebhookCounters(): WebhookCounters {
  return { outOfScope: 0 };
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
  /** What became of the delivery (`yardstick_webhook_deliveries_total`'s outcome label). */
  outcome: WebhookOutcome;
}

/** The outcomes of a delivery, as counted in `yardstick_webhook_deliveries_total`. */
export type WebhookOutcome =
  | "accepted"
  | "duplicate"
  | "ignored"
  | "out_of_scope"
  | "bad_signature"
  | "invalid"
  | "too_large"
  | "error";

function header(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies, validates, de-duplicates and enqueues one GitHub webhook delivery. Nothing is enqueued
 * unless the signature is right (401) and the payload valid (400 with the reason). Answers 202 as
 * soon as the targeted sync jobs are queued; the work itself happens in the workers.
 */
export async function handleWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  if (!verifyWebhookSignature(deps.secret, request.body, header(request.headers, "x-hub-signature-256"))) {
    return {
      status: 401,
      body: { error: "bad or missing X-Hub-Signature-256: check the webhook secret" },
      outcome: "bad_signature",
    };
  }
  const event = header(request.headers, "x-github-event");
  const deliveryId = header(request.headers, "x-github-delivery");
  if (event === undefined || event === "")
    return { status: 400, body: { error: "missing X-GitHub-Event header" }, outcome: "invalid" };
  if (deliveryId === undefined || !/^[A-Za-z0-9-]{1,100}$/.test(deliveryId)) {
    return {
      status: 400,
      body: { error: "missing or malformed X-GitHub-Delivery header (a GUID)" },
      outcome: "invalid",
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(request.body.toString("utf8"));
  } catch (error) {
    return { status: 400, body: { error: `body is not JSON: ${(error as Error).message}` }, outcome: "invalid" };
  }
  if (!isHandledEvent(event)) return { status: 202, body: { ignored: event }, outcome: "ignored" };
  const parsed = WebhookPayloads[event].safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
    return { status: 400, body: { error: `invalid ${event} payload`, issues }, outcome: "invalid" };
  }
  const log = deps.logger.child({ deliveryId, event });
  // The payload's schema validated the repository's name (RepoFullName) before anything reads it.
  const repo = (parsed.data as { repository?: { full_name: string } }).repository?.full_name;
  if (repo !== undefined && deps.inScope !== undefined && !deps.inScope(repo)) {
    if (deps.counters !== undefined) deps.counters.outOfScope += 1;
    log.info({ repo }, "webhook ignored: repository outside the configured scope");
    return { status: 202, body: { ignored: "repository outside the configured scope" }, outcome: "out_of_scope" };
  }
  const state = await deps.deliveries.begin({ id: deliveryId, event, receivedAt: deps.now() });
  if (state === "done") {
    log.info("duplicate delivery ignored");
    return { status: 200, body: { duplicate: true }, outcome: "duplicate" };
  }
  const requests = jobsForEvent(event, parsed.data, `webhook-${deliveryId}`, { incidentLabel: deps.incidentLabel });
  for (const r of requests) await deps.enqueue(r);
  await deps.deliveries.complete(deliveryId);
  log.info({ jobs: requests.map((r) => r.name) }, "webhook accepted");
  return { status: 202, body: { enqueued: requests.map((r) => r.name) }, outcome: "accepted" };
}
