import {
  attributeChangeDetailed,
  attributeCommit,
  createIdentityResolver,
  creditChange,
  creditCommit,
} from "@yardstick/attribution";
import { repositorySettings } from "@yardstick/config";
import { type Commit, changeKey, type Person, type PullRequest } from "@yardstick/core";
import {
  type Database,
  getCommits,
  listCommitAuthorIdentities,
  listCommitTimes,
  listMergedPullRequestsPages,
  listPeople,
  type NewChange,
  upsertChanges,
  upsertVerdicts,
  type VerdictRecord,
} from "@yardstick/db";
import type { Jobs } from "../catalog.js";
import { backfillStart, type PipelineDeps } from "../deps.js";
import { directPushShas } from "../direct-pushes.js";
import { type JobContext, JobDeferred, type PayloadOf } from "../job-spec.js";
import { loadCommitGraph } from "../metrics-input.js";
import { rosterWaitMs } from "./discover-org.js";

const FAR_FUTURE = new Date("9999-01-01T00:00:00Z");

/** Pull requests attributed (and written) at a time: the job's memory is one page, not the repository. */
export const ATTRIBUTION_PAGE = 500;

/** One page's verdicts and changes, together (a retried job rewrites the same rows). */
async function store(db: Database, verdicts: readonly VerdictRecord[], changes: readonly NewChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.transaction(async (tx) => {
    await upsertVerdicts(tx, verdicts);
    await upsertChanges(tx, changes);
  });
}

/**
 * GitHub links a commit to an account by its author email; the roster knows logins and names
 * only. Each (login, email, name) seen on a linked commit of any repository teaches the resolver
 * that person's email and name, so co-authors written as "Name <work email>" resolve too. Read
 * for the roster's logins from the identities kept as commits are stored (one row an identity,
 * not a pass over every commit: issue 18).
 */
async function learnCommitEmails(db: Database, people: Person[]): Promise<Person[]> {
  const linked = await listCommitAuthorIdentities(
    db,
    people.flatMap((p) => p.logins),
  );
  const byLogin = new Map(people.flatMap((p) => p.logins.map((l) => [l.toLowerCase(), p] as const)));
  const learned = new Map(people.map((p) => [p.id, { ...p, emails: [...p.emails], names: [...p.names] }]));
  for (const row of linked) {
    const person = row.login === null ? undefined : byLogin.get(row.login.toLowerCase());
    const target = person === undefined ? undefined : learned.get(person.id);
    if (target === undefined) continue;
    if (!target.emails.includes(row.email)) target.emails.push(row.email);
    if (row.name !== "" && !target.names.includes(row.name)) target.names.push(row.name);
  }
  return [...learned.values()];
}

/**
 * Attributes every merged pull request of a repository in the window: the verdict (with
 * evidence and the rule-set version) and the credited person, resolved against the roster.
 * Pages of ATTRIBUTION_PAGE pull requests (with their commits) are read and written one after
 * the other, so the memory a job needs does not grow with the repository (issue 18).
 * Idempotent: verdicts and changes are upserts keyed by the change, so a re-run (or a re-run after
 * the rules changed) replaces them. Credit needs the whole roster: while the run's discovery is
 * still reading its organisation's roster (discover.roster), the job is deferred (`rosterWaitMs`).
 */
export async function attributeChanges(
  payload: PayloadOf<Jobs, "attribute.changes">,
  context: JobContext<Jobs>,
  deps: PipelineDeps,
): Promise<void> {
  const repo = payload.repo;
  const wait = await rosterWaitMs(deps, repo, payload.runId, context.logger);
  if (wait !== null) throw new JobDeferred(`run ${payload.runId}'s roster is still being read`, wait);
  const people = await learnCommitEmails(deps.db, await listPeople(deps.db));
  const resolver = createIdentityResolver(people, deps.rules);
  const loginOf = new Map(people.map((p) => [p.id, p.logins[0] ?? null]));
  const ctx = { rules: deps.rules };
  const now = deps.now();
  const since = backfillStart(deps, null);
  const directPushes = repositorySettings(deps.config, repo).directPushes;
  // What direct-push detection needs of every PR (trunk-based repositories only): shas, not PRs.
  const landed: { mergeCommitSha: string | null; mergeMethod: PullRequest["mergeMethod"]; commitShas: string[] }[] = [];
  let attributed = 0;
  let ai = 0;

  // A page of PRs at a time (with their commits), each page's verdicts and changes written before
  // the next is read: the worker's memory does not grow with the repository.
  for await (const page of listMergedPullRequestsPages(deps.db, {
    repo,
    from: since,
    to: FAR_FUTURE,
    pageSize: ATTRIBUTION_PAGE,
  })) {
    const mergeShas = page.items.flatMap((m) =>
      m.pullRequest.mergeCommitSha === null ? [] : [m.pullRequest.mergeCommitSha],
    );
    const mergeCommits = new Map<string, Commit>((await getCommits(deps.db, repo, mergeShas)).map((c) => [c.sha, c]));
    const verdicts: VerdictRecord[] = [];
    const changes: NewChange[] = [];
    for (const { pullRequest: pr, commits } of page.items) {
      const mergedCommit = pr.mergeCommitSha === null ? null : (mergeCommits.get(pr.mergeCommitSha) ?? null);
      const attribution = attributeChangeDetailed(pr, commits, mergedCommit, ctx);
      const credit = creditChange(pr, commits, mergedCommit, ctx, attribution);
      const personId =
        credit.identity === null
          ? null
          : resolver.resolve({
              login: credit.identity.login,
              email: credit.identity.email,
              name: credit.identity.name,
            });
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
        creditedLogin: credit.identity?.login ?? (personId === null ? null : (loginOf.get(personId) ?? null)),
        creditReason: credit.reason,
        linesChanged: pr.additions + pr.deletions,
      });
      if (directPushes)
        landed.push({ mergeCommitSha: pr.mergeCommitSha, mergeMethod: pr.mergeMethod, commitShas: [...pr.commitShas] });
    }
    await store(deps.db, verdicts, changes);
    attributed += changes.length;
    ai += verdicts.filter((v) => v.verdict.class === "ai").length;
  }
  // Trunk-based repositories: commits pushed straight to the tracked branch are changes too.
  const graph = directPushes ? await loadCommitGraph(deps.db, repo) : undefined;
  if (graph !== undefined) {
    const verdicts: VerdictRecord[] = [];
    const changes: NewChange[] = [];
    const dated = await listCommitTimes(deps.db, repo, since);
    const shas = directPushShas({
      head: graph.head,
      parents: graph.parents,
      committedAt: new Map(dated.map((r) => [r.sha, r.committedAt])),
      since,
      pullRequests: landed,
    });
    for (const commit of await getCommits(deps.db, repo, shas)) {
      const key = changeKey(repo, commit.sha);
      const credit = creditCommit(commit, ctx);
      const personId =
        credit.identity === null
          ? null
          : resolver.resolve({
              login: credit.identity.login,
              email: credit.identity.email,
              name: credit.identity.name,
            });
      verdicts.push({
        subjectKind: "change",
        subjectKey: key,
        repo,
        verdict: attributeCommit(commit, ctx),
        computedAt: now,
      });
      changes.push({
        key,
        kind: "direct_push",
        repo,
        prNumber: null,
        sha: commit.sha,
        mergedAt: commit.committedAt,
        firstCommitAt: commit.authoredAt,
        creditedPersonId: personId,
        creditedLogin: credit.identity?.login ?? (personId === null ? null : (loginOf.get(personId) ?? null)),
        creditReason: credit.reason,
        linesChanged: (commit.additions ?? 0) + (commit.deletions ?? 0),
      });
    }
    await store(deps.db, verdicts, changes);
    attributed += changes.length;
    ai += verdicts.filter((v) => v.verdict.class === "ai").length;
  }
  const report = resolver.report();
  context.logger.info({ repo, changes: attributed, ai, identityCoverage: report.coverage }, "changes attributed");
  // The reviews the self-merged flag needs (now that who is credited is known), then the linking.
  await context.enqueue("sync.reviews", { repo, runId: `${payload.runId}.attribution` });
}
