import { dropExpiredText } from "@yardstick/db";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

/**
 * `privacy.textRetentionDays` enforced: PR bodies and commit messages older than that keep only
 * their revert lines (docs/privacy.md). Nothing to do when the key is unset. Idempotent.
 */
export async function enforceRetention(
  _payload: PayloadOf<Jobs, "privacy.enforce">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const days = deps.config.privacy.textRetentionDays;
  if (days === undefined) {
    context.logger.info("privacy.textRetentionDays is not set: text is kept");
    return;
  }
  const before = new Date(deps.now().getTime() - days * 86_400_000);
  const dropped = await dropExpiredText(deps.db, before);
  context.logger.info({ before: before.toISOString(), ...dropped }, "old text dropped");
}
