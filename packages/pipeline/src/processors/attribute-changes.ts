import { attributeChangeDetailed, createIdentityResolver, creditChange } from "@yardstick/attribution";
import { type Commit, changeKey } from "@yardstick/core";
import {
  getCommits,
  listMergedPullRequests,
  listPeople,
  type NewChange,
  upsertChanges,
  upsertVerdicts,
  type VerdictRecord,
} from "@yardstick/db";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps } from "../deps.js";
import type { JobContext, PayloadOf } from "../job-spec.js";

const FAR_FUTURE = new Date("9999-01-01T00:00:00Z");

/**
 * Attributes every merged pull request of a repository in the window: the verdict (with
 * evidence and the rule-set version) and the credited person, resolved against the roster.
 * Idempotent: verdicts and changes are upserts keyed by the change, so a re-run (or a re-run after
 * the rules changed) replaces them.
 */
export async function attributeChanges(
  payload: PayloadOf<Jobs, "attribute.changes">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  const merged = await listMergedPullRequests(deps.db, {
    from: backfillStart(deps, null),
    to: FAR_FUTURE,
    repos: [repo],
  });
  const mergeShas = merged.flatMap((m) =>
    m.pullRequest.mergeCommitSha === null ? [] : [m.pullRequest.mergeCommitSha],
  );
  const mergeCommits = new Map<string, Commit>((await getCommits(deps.db, repo, mergeShas)).map((c) => [c.sha, c]));
  const resolver = createIdentityResolver(await listPeople(deps.db), deps.rules);
  const ctx = { rules: deps.rules };
  const now = deps.now();

  const verdicts: VerdictRecord[] = [];
  const changes: NewChange[] = [];
  for (const { pullRequest: pr, commits } of merged) {
    const mergedCommit = pr.mergeCommitSha === null ? null : (mergeCommits.get(pr.mergeCommitSha) ?? null);
    const attribution = attributeChangeDetailed(pr, commits, mergedCommit, ctx);
    const credit = creditChange(pr, commits, mergedCommit, ctx, attribution);
    const personId =
      credit.identity === null
        ? null
        : resolver.resolve({ login: credit.identity.login, email: credit.identity.email, name: credit.identity.name });
    const key = changeKey(repo, pr.number);
    verdicts.push({ subjectKind: "change", subjectKey: key, repo, verdict: attribution.verdict, computedAt: now });
    const authored = commits.map((c) => c.authoredAt.getTime());
    changes.push({
      key,
      kind: "pull_request",
      repo,
      prNumber: pr.number,
      sha: pr.mergeCommitSha,
      mergedAt: pr.mergedAt,
      firstCommitAt: authored.length === 0 ? null : new Date(Math.min(...authored)),
      creditedPersonId: personId,
      creditedLogin: credit.identity?.login ?? null,
      creditReason: credit.reason,
      linesChanged: pr.additions + pr.deletions,
    });
  }
  await deps.db.transaction(async (tx) => {
    await upsertVerdicts(tx, verdicts);
    await upsertChanges(tx, changes);
  });
  const report = resolver.report();
  context.logger.info(
    {
      repo,
      changes: changes.length,
      ai: verdicts.filter((v) => v.verdict.class === "ai").length,
      identityCoverage: report.coverage,
    },
    "changes attributed",
  );
  await context.enqueue("link.deployments", { repo, runId: `${payload.runId}.attribution` });
}
