import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import { buildWeeklyDigest, configuredSenders, deliverDigest, lastCompleteWeek } from "../digest/weekly-digest.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/**
 * Builds the week's digest and delivers it to each configured channel not yet delivered. A
 * failed channel fails the job (retryable unless every failure is permanent); the retry resends
 * only that channel.
 */
export async function sendDigest(
  payload: PayloadOf<Jobs, "digest.weekly">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const week = payload.week ?? lastCompleteWeek(deps.now(), deps.config.digest.timeZone);
  const senders = configuredSenders(deps.config);
  if (senders.length === 0) {
    context.logger.info({ org: payload.org, week }, "no digest channel configured");
    return;
  }
  const { rendered } = await buildWeeklyDigest(deps, { week, now: deps.now() });
  const outcomes = await deliverDigest(deps.db, rendered, senders, { now: deps.now, logger: context.logger });
  context.logger.info(
    { org: payload.org, week, outcomes: outcomes.map((o) => `${o.channel}: ${o.outcome}`) },
    "digest delivered",
  );
}
