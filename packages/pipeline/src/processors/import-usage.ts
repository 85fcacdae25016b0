import { InputError, type InputIssue } from "@yardstick/core";
import type { Jobs } from "../catalog.js";
import type { PipelineDeps } from "../deps.js";
import { type JobContext, JobDeferred, type PayloadOf } from "../job-spec.js";
import { readUsageFile, storeUsage } from "../usage-file.js";
import { formatUsageError } from "../usage-import.js";
import { orgRosterWaitMs } from "./discover-org.js";

/**
 * Imports the configuration's usage exports (`usage.sources`), as `yardstick usage import FILE`
 * does each (the same code path), once the run's rosters are stored: identities resolve to the
 * people of the roster as stored. Every file is read at each run, so an export replaced in place
 * is imported at the next sync; the same rows again change nothing (re-importing replaces a row
 * by source, identity, day and tool, and rewrites nothing when the values are the same).
 *
 * Good rows are written even when some are bad (as with the command); then the job fails, for
 * good, with an InputError whose issues name `usage.sources[i].path`, the file and the row.
 */
export async function importUsageSources(
  payload: PayloadOf<Jobs, "usage.import">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  for (const org of deps.config.github.organizations) {
    const wait = await orgRosterWaitMs(deps, org.name, payload.runId, context.logger);
    if (wait !== null) throw new JobDeferred(`run ${payload.runId}'s roster of ${org.name} is still being read`, wait);
  }
  const issues: InputIssue[] = [];
  for (const [index, source] of deps.config.usage.sources.entries()) {
    const path = `usage.sources[${index}].path`;
    const read = await readUsageFile(source.path, source.format === "auto" ? undefined : source.format);
    if (!read.ok) {
      if (read.unreadable) issues.push({ path, message: `cannot read ${source.path} (${read.reason})` });
      else {
        for (const message of read.messages) {
          issues.push({ path, message: `${source.path} is not a readable ${read.format} file: ${message}` });
        }
      }
      continue;
    }
    const { parsed } = read;
    for (const e of parsed.errors) issues.push({ path, message: `${source.path} ${formatUsageError(e)}` });
    const records = await storeUsage(deps.db, parsed.rows);
    context.logger.info(
      {
        source: path,
        file: source.path,
        format: parsed.format,
        rows: records.length,
        unmatched: records.filter((r) => r.personId === null).length,
        badRows: parsed.errors.length,
        skipped: parsed.skipped.length,
      },
      "usage imported",
    );
  }
  if (issues.length > 0) {
    throw new InputError("config.invalid", "usage.sources could not be imported whole", issues);
  }
}
