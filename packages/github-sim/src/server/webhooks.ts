import { createHmac } from "node:crypto";
import { z } from "zod";
import { seededUuid } from "./random.js";

export const WebhookEvent = z.enum([
  "pull_request",
  "issues",
  "deployment",
  "deployment_status",
  "workflow_run",
  "release",
  "push",
  "ping",
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookConfig = z.object({
  /** Where deliveries are POSTed, e.g. "http://127.0.0.1:8080/webhooks/github". */
  url: z.url(),
  /** The shared secret for `X-Hub-Signature-256`; deliveries are unsigned without one. */
  secret: z.string().nullable().default(null),
  /** Events to deliver; `["*"]` for all. */
  events: z.array(z.union([WebhookEvent, z.literal("*")])).default(["*"]),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;
export type WebhookConfigInput = z.input<typeof WebhookConfig>;

export interface Delivery {
  /** `X-GitHub-Delivery`: kept on redelivery, as GitHub does. */
  guid: string;
  /** The numeric id of this attempt. */
  id: number;
  hookId: number;
  event: WebhookEvent;
  action: string | null;
  payload: string;
  redelivery: boolean;
  deliveredAt: string;
  /** HTTP status of the receiver, or null when it could not be reached. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export function signature256(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Webhook hooks and their deliveries. Deliveries are POSTed with GitHub's headers and awaited
 * (tests read `deliveries()` right after the change that caused them); delivery GUIDs are
 * deterministic under the server's seed.
 */
export class Webhooks {
  readonly #hooks = new Map<number, WebhookConfig & { id: number }>();
  readonly #deliveries: Delivery[] = [];
  #nextHook = 1;
  #nextDelivery = 1;
  #guidCounter = 0;

  constructor(
    private readonly seed: number,
    private readonly target: { type: "organization" | "repository"; id: number },
    private readonly now: () => number,
  ) {}

  add(config: WebhookConfigInput): WebhookConfig & { id: number } {
    const hook = { ...WebhookConfig.parse(config), id: this.#nextHook++ };
    this.#hooks.set(hook.id, hook);
    return hook;
  }

  remove(id: number): boolean {
    return this.#hooks.delete(id);
  }

  hooks(): (WebhookConfig & { id: number })[] {
    return [...this.#hooks.values()];
  }

  deliveries(): Delivery[] {
    return [...this.#deliveries];
  }

  clearDeliveries(): void {
    this.#deliveries.length = 0;
  }

  /** Delivers `event` to every hook subscribed to it; resolves when all have answered. */
  async emit(event: WebhookEvent, payload: Record<string, unknown>): Promise<Delivery[]> {
    const body = JSON.stringify(payload);
    const action = typeof payload.action === "string" ? payload.action : null;
    const out: Delivery[] = [];
    for (const hook of this.#hooks.values()) {
      if (!hook.events.includes("*") && !hook.events.includes(event)) continue;
      const guid = seededUuid(this.seed, this.#guidCounter++);
      out.push(await this.#send(hook, event, action, body, guid, false));
    }
    return out;
  }

  /** Redelivers a past delivery (by its numeric id or GUID) with the same `X-GitHub-Delivery`. */
  async redeliver(idOrGuid: number | string): Promise<Delivery> {
    const past = this.#deliveries.find((d) => d.id === idOrGuid || d.guid === idOrGuid);
    if (!past) throw new Error(`webhook redelivery: no delivery with id or guid ${String(idOrGuid)}`);
    const hook = this.#hooks.get(past.hookId);
    if (!hook) throw new Error(`webhook redelivery: hook ${past.hookId} was removed`);
    return this.#send(hook, past.event, past.action, past.payload, past.guid, true);
  }

  async #send(
    hook: WebhookConfig & { id: number },
    event: WebhookEvent,
    action: string | null,
    body: string,
    guid: string,
    redelivery: boolean,
  ): Promise<Delivery> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/yardstick-sim",
      "x-github-event": event,
      "x-github-delivery": guid,
      "x-github-hook-id": String(hook.id),
      "x-github-hook-installation-target-type": this.target.type,
      "x-github-hook-installation-target-id": String(this.target.id),
    };
    if (hook.secret) {
      headers["x-hub-signature-256"] = signature256(hook.secret, body);
      headers["x-hub-signature"] = `sha1=${createHmac("sha1", hook.secret).update(body).digest("hex")}`;
    }
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      statusCode = res.status;
      await res.arrayBuffer();
    } catch (e) {
      error = (e as Error).message;
    }
    const d: Delivery = {
      guid,
      id: this.#nextDelivery++,
      hookId: hook.id,
      event,
      action,
      payload: body,
      redelivery,
      deliveredAt: new Date(this.now()).toISOString(),
      statusCode,
      error,
      durationMs: Date.now() - started,
    };
    this.#deliveries.push(d);
    return d;
  }
}
