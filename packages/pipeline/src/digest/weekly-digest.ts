import type { Config } from "@yardstick/config";
import { AppError, addWeeks, isoWeekOf } from "@yardstick/core";
import { claimDigestDelivery, type Database, markDigestDelivered, markDigestFailed } from "@yardstick/db";
import type { Logger } from "@yardstick/log";
import type { MetricsOutput } from "@yardstick/metrics";
import {
  buildDigest,
  type Digest,
  digestSubject,
  renderDigestHtml,
  renderDigestMarkdown,
  renderDigestSlack,
  renderDigestText,
} from "@yardstick/report";
import { readCoverage } from "../coverage.js";
import type { RollupDeps } from "../deps.js";
import { metricsConfigOf } from "../metrics-input.js";
import { readMetrics } from "../read-model.js";
import { metrics } from "../telemetry.js";
import { contentHashOf, type DigestSender, type RenderedDigest, senderFor } from "./channels.js";

/** The organisation the digest is about: the metrics' organisation group. */
export function digestOrgOf(config: Config): string {
  return metricsConfigOf(config).orgName;
}

/** The last week that has ended by `now` in the time zone: the week the digest is about. */
export function lastCompleteWeek(now: Date, timeZone: string): string {
  return addWeeks(isoWeekOf(now, timeZone), -1);
}

/** Weeks the digest's document spans: the week, the one before (week-over-week) and three more for context. */
const CONTEXT_WEEKS = 4;

export function renderDigest(digest: Digest): RenderedDigest {
  const markdown = renderDigestMarkdown(digest);
  return {
    org: digest.org?.name ?? "org",
    week: digest.week,
    subject: digestSubject(digest),
    markdown,
    html: renderDigestHtml(digest),
    text: renderDigestText(digest),
    slack: renderDigestSlack(digest),
    contentHash: contentHashOf(markdown),
  };
}

/**
 * The digest of `week` from the weekly rollups (brought up to date first), read exactly as
 * `yardstick metrics` reads them, so its numbers equal the metrics JSON for that week.
 */
export async function buildWeeklyDigest(
  deps: RollupDeps,
  options: { week: string; now: Date; reportUrl?: string },
): Promise<{ digest: Digest; rendered: RenderedDigest; output: MetricsOutput }> {
  const { output } = await readMetrics(deps, {
    from: addWeeks(options.week, -CONTEXT_WEEKS),
    to: options.week,
    refresh: true,
  });
  const digest = buildDigest(output, {
    week: options.week,
    generatedAt: options.now,
    coverage: await readCoverage(deps.db),
    ...(options.reportUrl === undefined ? {} : { reportUrl: options.reportUrl }),
    ...(deps.config.digest.reportUrl === undefined ? {} : { baseUrl: deps.config.digest.reportUrl }),
  });
  return { digest, rendered: renderDigest(digest), output };
}

export type ChannelOutcome =
  | { channel: string; type: string; outcome: "sent"; receipt: string }
  | { channel: string; type: string; outcome: "already-delivered" }
  | { channel: string; type: string; outcome: "busy" }
  | { channel: string; type: string; outcome: "failed"; error: string; retryable: boolean };

/** Some channels failed; the others were delivered and will not be sent again. */
export class DigestDeliveryError extends AppError {
  /** Every channel's outcome, the delivered ones included. */
  readonly outcomes: readonly ChannelOutcome[];

  constructor(week: string, outcomes: readonly ChannelOutcome[]) {
    const failed = outcomes.filter(
      (o): o is Extract<ChannelOutcome, { outcome: "failed" | "busy" }> =>
        o.outcome === "failed" || o.outcome === "busy",
    );
    super(
      "digest.delivery_failed",
      `digest ${week}: ${failed.map((f) => `${f.channel} ${f.outcome === "busy" ? "is being sent by another worker" : f.error}`).join("; ")}`,
      // Retry when any failure may pass on a later attempt (or another worker holds the claim).
      {
        retryable: failed.some((f) => f.outcome === "busy" || f.retryable),
        details: { channels: failed.map((f) => f.channel) },
      },
    );
    this.outcomes = outcomes;
  }
}

export interface DeliverOptions {
  now: () => Date;
  logger: Logger;
  /** A claim older than this is taken over (its worker died mid-send); default 10 minutes. */
  leaseMs?: number;
}

/**
 * Sends the digest to each channel not yet delivered for its week, recording each outcome, so
 * a retried job resends only the channels that failed. Throws DigestDeliveryError (retryable
 * when any failure may pass) after trying every channel.
 */
export async function deliverDigest(
  db: Database,
  rendered: RenderedDigest,
  senders: readonly DigestSender[],
  options: DeliverOptions,
): Promise<ChannelOutcome[]> {
  const outcomes: ChannelOutcome[] = [];
  for (const sender of senders) {
    const key = { org: rendered.org, week: rendered.week, channel: sender.key };
    const logger = options.logger.child({ digestWeek: rendered.week, channel: sender.key });
    const claim = await claimDigestDelivery(db, {
      ...key,
      channelType: sender.type,
      now: options.now(),
      leaseMs: options.leaseMs ?? 10 * 60_000,
    });
    if (claim.outcome === "delivered") {
      logger.info("digest already delivered to this channel; not sending again");
      outcomes.push({ channel: sender.key, type: sender.type, outcome: "already-delivered" });
      continue;
    }
    if (claim.outcome === "busy") {
      logger.warn("another worker is sending the digest to this channel");
      outcomes.push({ channel: sender.key, type: sender.type, outcome: "busy" });
      continue;
    }
    try {
      const receipt = await sender.send(rendered);
      await markDigestDelivered(db, key, { at: options.now(), contentHash: rendered.contentHash, receipt });
      logger.info({ receipt, attempt: claim.attempts }, "digest delivered");
      outcomes.push({ channel: sender.key, type: sender.type, outcome: "sent", receipt });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryable = error instanceof AppError ? error.retryable : true;
      await markDigestFailed(db, key, { at: options.now(), error: message });
      logger.warn({ err: error, attempt: claim.attempts, retryable }, "digest delivery failed");
      outcomes.push({ channel: sender.key, type: sender.type, outcome: "failed", error: message, retryable });
    }
  }
  for (const o of outcomes) metrics.digestDeliveries.inc({ channel: o.type, outcome: o.outcome.replace("-", "_") });
  if (outcomes.some((o) => o.outcome === "failed" || o.outcome === "busy")) {
    throw new DigestDeliveryError(rendered.week, outcomes);
  }
  return outcomes;
}

/** The senders of the configured channels. */
export function configuredSenders(config: Config): DigestSender[] {
  return config.digest.channels.map((channel) => senderFor(channel));
}
