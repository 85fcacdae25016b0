import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "./client.js";
import { aiVerdict, at, makeCommit, makeDeployment, makePullRequest, sha } from "./fixtures/world.js";
import {
  deploymentKey,
  earliestMergeAt,
  getCommits,
  getSyncCursor,
  getSyncCursors,
  getVerdicts,
  linkDeploymentChanges,
  listChanges,
  listDeployments,
  listMergedPullRequests,
  listMergedPullRequestsPages,
  listPeople,
  listRollups,
  recordWebhookDelivery,
  resolveIdentities,
  rosterNames,
  setTeamMembers,
  upsertChanges,
  upsertCommits,
  upsertDeployments,
  upsertPeople,
  upsertPullRequests,
  upsertRollups,
  upsertSyncCursor,
  upsertTeams,
  upsertUsage,
  upsertVerdicts,
} from "./repositories/index.js";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "./testing.js";

const TABLES = [
  "repositories",
  "pull_requests",
  "pull_request_commits",
  "commits",
  "commit_co_authors",
  "deployments",
  "deployment_statuses",
  "changes",
  "deployment_changes",
  "people",
  "person_identities",
  "teams",
  "team_memberships",
  "attribution_verdicts",
  "usage_records",
  "sync_cursors",
  "weekly_rollups",
];

/** Every row of every table, whole, in a stable order. */
async function snapshot(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await handle.query<{ r: string }>(`select to_jsonb(t)::text as r from ${table} t order by 1`);
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

describe.each(TEST_BACKENDS)("repositories on %s", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ backend });
  });
  afterAll(async () => {
    await t?.drop();
  });

  /** A mixed batch over every entity, all in repository `repo`. */
  async function writeWorld(repo: string): Promise<void> {
    const db = t.db;
    const commitsOf = (n: number) => [0, 1, 2].map((k) => makeCommit(repo, n * 3 + k));
    const prs = [1, 2, 3].map((n) =>
      makePullRequest(
        repo,
        n,
        commitsOf(n).map((c) => c.sha),
      ),
    );
    await upsertPullRequests(db, prs);
    await upsertCommits(db, [1, 2, 3].flatMap(commitsOf));
    const ids = await upsertDeployments(
      db,
      [1, 2, 3].map((i) => makeDeployment(repo, i)),
    );
    await upsertPeople(db, [
      {
        id: `${repo}:p1`,
        displayName: "Dev One",
        logins: ["Dev1"],
        userIds: [1001],
        emails: [`Dev1@${repo.replace("/", ".")}.test`],
        names: ["Dev  One"],
        teams: [],
      },
    ]);
    await upsertTeams(db, [{ org: repo, slug: "core", name: "Core", parentSlug: null }]);
    await setTeamMembers(db, [{ org: repo, slug: "core", personIds: [`${repo}:p1`] }]);
    await upsertChanges(
      db,
      prs.map((pr) => ({
        key: `${repo}#${pr.number}`,
        kind: "pull_request" as const,
        repo,
        prNumber: pr.number,
        sha: pr.mergeCommitSha,
        mergedAt: pr.mergedAt,
        deployedAt: at(pr.number * 10 + 6.2),
        creditedPersonId: `${repo}:p1`,
        creditedLogin: "dev1",
        creditReason: "author",
        linesChanged: 15,
        trivial: false,
      })),
    );
    const deploymentId = ids.get(deploymentKey({ repo, source: "deployment", externalId: "5002" }));
    if (deploymentId === undefined) throw new Error("no deployment id");
    await linkDeploymentChanges(db, [{ deploymentId, changeKey: `${repo}#2`, deployedAt: at(26.2) }]);
    await upsertVerdicts(
      db,
      prs.map((pr) => ({
        subjectKind: "change" as const,
        subjectKey: `${repo}#${pr.number}`,
        repo,
        verdict: aiVerdict,
        computedAt: at(100),
      })),
    );
    await upsertUsage(db, [
      {
        source: "claude-code-usage",
        identityKind: "email",
        identityValue: `DEV1@${repo}`,
        day: "2026-11-02",
        tool: "claude-code",
        tokensIn: 1_000_000,
        tokensOut: 20_000,
        costUsd: 3.25,
      },
    ]);
    await upsertSyncCursor(db, {
      scope: repo,
      stream: "pull_requests",
      state: { highWaterMark: at(50), seenAtMark: [1] },
      lastError: "boom",
    });
    await upsertRollups(db, [
      {
        groupKind: "repo",
        groupName: repo,
        week: "2026-W45",
        rosterSize: 6,
        activeEngineers: 5,
        mergedChanges: 3,
        deployedChanges: 3,
        qualifyingChanges: 3,
        aiQualifyingChanges: 3,
        nd: 0.6,
        aind: 0.6,
        adoption: 0.2,
        deployments: 2,
        deployDays: 2,
        figures: { leadTime: { medianHours: 1.2 } },
        computedAt: at(100),
      },
    ]);
  }

  it("upserting the same batches twice leaves the same rows", async () => {
    await writeWorld("acme/twice");
    const first = await snapshot(t.handle);
    expect(first.pull_requests?.length).toBeGreaterThanOrEqual(3);
    expect(first.commit_co_authors?.length).toBeGreaterThanOrEqual(1);
    await writeWorld("acme/twice");
    expect(await snapshot(t.handle)).toEqual(first);
  });

  it("a re-upsert with changed fields updates them", async () => {
    const repo = "acme/changed";
    await writeWorld(repo);
    const [before] = await listChanges(t.db, { on: "mergedAt", from: at(0), to: at(1000), repos: [repo] });

    const commit = makeCommit(repo, 3, { message: "Reworded", coAuthors: [] });
    await upsertCommits(t.db, [commit]);
    await upsertPullRequests(t.db, [
      makePullRequest(repo, 1, [sha(`${repo}/3`), sha(`${repo}/5`)], { title: "Renamed", labels: ["x"] }),
    ]);
    await upsertDeployments(t.db, [
      makeDeployment(repo, 1, {
        environment: "production",
        statuses: [{ state: "failure", createdAt: at(17), description: "rolled back" }],
      }),
    ]);
    await upsertVerdicts(t.db, [
      {
        subjectKind: "change",
        subjectKey: `${repo}#1`,
        repo,
        verdict: { ...aiVerdict, class: "human", tool: null, tools: [], confidence: null, subtype: null, evidence: [] },
        computedAt: at(200),
      },
    ]);
    // The identity "dev1" moves to another person.
    await upsertPeople(t.db, [
      {
        id: `${repo}:p2`,
        displayName: "Dev One (new)",
        logins: ["dev1"],
        userIds: [],
        emails: [],
        names: [],
        teams: [],
      },
    ]);
    await upsertChanges(t.db, [{ ...(before as NonNullable<typeof before>), trivial: true, updatedAt: undefined }]);

    const [storedCommit] = await getCommits(t.db, repo, [commit.sha]);
    expect(storedCommit?.message).toBe("Reworded");
    expect(storedCommit?.coAuthors).toEqual([]);

    const merged = await listMergedPullRequests(t.db, { from: at(0), to: at(1000), repos: [repo] });
    const pr1 = merged.find((m) => m.pullRequest.number === 1);
    expect(pr1?.pullRequest.title).toBe("Renamed");
    expect(pr1?.pullRequest.labels).toEqual(["x"]);
    expect(pr1?.pullRequest.commitShas).toEqual([sha(`${repo}/3`), sha(`${repo}/5`)]);
    expect(pr1?.commits.map((c) => c.sha)).toEqual([sha(`${repo}/3`), sha(`${repo}/5`)]);

    const deployments = await listDeployments(t.db, { repo, environment: "production" });
    const d1 = deployments.find((d) => d.externalId === "5001");
    expect(d1?.environment).toBe("production");
    // Statuses are events: the new one is added to those already seen.
    expect(d1?.statuses.map((s) => s.state)).toEqual(["in_progress", "success", "failure"]);

    const verdicts = await getVerdicts(t.db, "change", [`${repo}#1`, `${repo}#2`, `${repo}#9`]);
    expect(verdicts.get(`${repo}#1`)?.verdict.class).toBe("human");
    expect(verdicts.get(`${repo}#1`)?.computedAt).toEqual(at(200));
    expect(verdicts.get(`${repo}#2`)?.verdict).toEqual(aiVerdict);
    expect(verdicts.has(`${repo}#9`)).toBe(false);

    const resolved = await resolveIdentities(t.db, [
      { kind: "login", value: "DEV1" },
      { kind: "user_id", value: 1001 },
    ]);
    expect(resolved.get("login:dev1")).toBe(`${repo}:p2`);

    const [after] = await listChanges(t.db, { on: "mergedAt", from: at(0), to: at(1000), repos: [repo] });
    expect(after?.trivial).toBe(true);
    expect(after?.updatedAt.getTime()).toBeGreaterThanOrEqual(before?.updatedAt.getTime() ?? Number.POSITIVE_INFINITY);
  });

  it("names people by their current login and display name in one read; ids not in the roster are absent", async () => {
    const person = (id: string, displayName: string, logins: string[]) => ({
      id,
      displayName,
      logins,
      userIds: [],
      emails: [],
      names: [],
      teams: [],
    });
    await upsertPeople(t.db, [
      person("names:1", "Ada Lovelace", ["ada-old"]),
      person("names:2", "Grace-H", ["grace-h"]),
      person("names:3", "No Login", []),
    ]);
    // A renamed login: discovery writes the person again with the new one.
    await upsertPeople(t.db, [person("names:1", "Ada Lovelace", ["Ada-L"])]);
    const names = await rosterNames(t.db, ["names:2", "names:1", "names:gone", "names:3", "names:1"]);
    expect(Object.fromEntries(names)).toEqual({
      "names:1": { login: "ada-l", displayName: "Ada Lovelace" },
      // The display name is the login (the roster's fallback): its spelling, and no name.
      "names:2": { login: "Grace-H", displayName: null },
      "names:3": { login: null, displayName: "No Login" },
    });
    expect((await rosterNames(t.db, [])).size).toBe(0);
  });

  it("pages a repository's merged pull requests by number, each page as listMergedPullRequests has them (issue 18)", async () => {
    const repo = "acme/pages";
    await writeWorld(repo);
    const whole = await listMergedPullRequests(t.db, { from: at(0), to: at(1000), repos: [repo] });
    const pages = [];
    for await (const page of listMergedPullRequestsPages(t.db, { repo, from: at(0), to: at(1000), pageSize: 2 }))
      pages.push(page);
    expect(pages.map((p) => p.items.map((m) => m.pullRequest.number))).toEqual([[1, 2], [3]]);
    expect(pages.map((p) => p.lastNumber)).toEqual([2, 3]);
    expect(pages.flatMap((p) => p.items)).toEqual(
      [...whole].sort((a, b) => a.pullRequest.number - b.pullRequest.number),
    );
    // A page reads its commit links by its number range: a PR inside that range merged outside
    // the window (#4) stays out, a commit two PRs share (#3's last, in #5) and co-authors (commit 20) come whole.
    await upsertCommits(
      t.db,
      [12, 13, 20].map((i) => makeCommit(repo, i)),
    );
    await upsertPullRequests(t.db, [
      makePullRequest(repo, 4, [sha(`${repo}/12`), sha(`${repo}/13`)], { mergedAt: at(2000) }),
      makePullRequest(repo, 5, [sha(`${repo}/11`), sha(`${repo}/20`)]),
    ]);
    const wider = await listMergedPullRequests(t.db, { from: at(0), to: at(1000), repos: [repo] });
    const widerPages = [];
    for await (const page of listMergedPullRequestsPages(t.db, { repo, from: at(0), to: at(1000), pageSize: 2 }))
      widerPages.push(page);
    expect(widerPages.map((p) => p.items.map((m) => m.pullRequest.number))).toEqual([
      [1, 2],
      [3, 5],
    ]);
    expect(widerPages.flatMap((p) => p.items)).toEqual(
      [...wider].sort((a, b) => a.pullRequest.number - b.pullRequest.number),
    );
    expect(widerPages[1]?.items[1]?.commits.map((c) => c.coAuthors.length)).toEqual([0, 1]);
    // The merge window applies within pages: PR 2 only.
    const windowed = [];
    for await (const page of listMergedPullRequestsPages(t.db, { repo, from: at(20), to: at(35), pageSize: 1 }))
      windowed.push(...page.items.map((m) => m.pullRequest.number));
    expect(windowed).toEqual([2]);
  });

  it("finds the earliest merge of the changes landing on given commits, past a chunk of 5,000 shas", async () => {
    const repo = "acme/earliest";
    await writeWorld(repo);
    const merge = (n: number) => sha(`${repo}/merge/${n}`);
    const unknown = Array.from({ length: 5_000 }, (_, i) => sha(`${repo}/none/${i}`));
    expect(await earliestMergeAt(t.db, repo, [merge(3), merge(2), sha("elsewhere")])).toEqual(at(25));
    expect(await earliestMergeAt(t.db, repo, [...unknown, merge(3), merge(1)])).toEqual(at(15));
    expect(await earliestMergeAt(t.db, repo, unknown)).toBeNull();
    expect(await earliestMergeAt(t.db, repo, [])).toBeNull();
    expect(await earliestMergeAt(t.db, "acme/other", [merge(1)])).toBeNull();
  });

  it("reads back what it wrote, in core shapes", async () => {
    const repo = "acme/reads";
    await writeWorld(repo);
    const merged = await listMergedPullRequests(t.db, { from: at(20), to: at(35), repos: [repo] });
    // PR 2 merged at 25h and PR 3 at 35h: the range is [from, to).
    expect(merged.map((m) => m.pullRequest.number)).toEqual([2]);
    const pr2 = merged[0];
    expect(pr2?.pullRequest).toEqual(
      makePullRequest(
        repo,
        2,
        [6, 7, 8].map((i) => sha(`${repo}/${i}`)),
      ),
    );
    expect(pr2?.commits).toEqual([6, 7, 8].map((i) => makeCommit(repo, i)));

    const production = await listDeployments(t.db, { repo, environment: "production" });
    expect(production.map((d) => d.externalId)).toEqual(["5002"]);
    const all = await listDeployments(t.db, { repo });
    expect(all.map((d) => d.externalId)).toEqual(["5001", "5002", "5003"]);
    const { id: _id, ...first } = all[0] ?? { id: 0 };
    expect(first).toEqual(makeDeployment(repo, 1));

    const [person] = await listPeople(t.db, [`${repo}:p1`]);
    expect(person).toEqual({
      id: `${repo}:p1`,
      displayName: "Dev One",
      logins: ["dev1"],
      userIds: [1001],
      emails: [`dev1@${repo.replace("/", ".")}.test`],
      names: ["dev one"],
      teams: ["core"],
    });

    const deployed = await listChanges(t.db, { on: "deployedAt", from: at(0), to: at(27), repos: [repo] });
    expect(deployed.map((c) => c.key)).toEqual([`${repo}#1`, `${repo}#2`]);

    expect((await getSyncCursor(t.db, repo, "pull_requests"))?.state).toEqual({
      highWaterMark: at(50),
      seenAtMark: [1],
    });
    expect(await getSyncCursor(t.db, repo, "deployments")).toBeNull();
    // Many scopes of one stream in one query: the ones without a cursor are absent.
    const many = await getSyncCursors(t.db, [repo, "acme/none"], "pull_requests");
    expect([...many.keys()]).toEqual([repo]);
    expect(many.get(repo)?.state.seenAtMark).toEqual([1]);

    const rollups = await listRollups(t.db, {
      groupKind: "repo",
      groupNames: [repo],
      fromWeek: "2026-W40",
      toWeek: "2026-W50",
    });
    expect(rollups.map((r) => [r.week, r.nd, r.figures])).toEqual([
      ["2026-W45", 0.6, { leadTime: { medianHours: 1.2 } }],
    ]);
  });

  it("keeps a commit's stored parents when a re-sync brings it without them", async () => {
    const repo = `acme/parents-${backend}`;
    const withParents = makeCommit(repo, 1, { parents: [sha("p1"), sha("p2")] });
    await upsertCommits(t.db, [withParents]);
    // The bulk PR query leaves parents out: [] means "not fetched", never "no parents".
    await upsertCommits(t.db, [{ ...withParents, parents: [], message: "Change 1 (edited)" }]);
    const [stored] = await getCommits(t.db, repo, [withParents.sha]);
    expect(stored?.parents).toEqual([sha("p1"), sha("p2")]);
    expect(stored?.message).toBe("Change 1 (edited)");
    // A commit first seen without parents gets them when branch history brings them.
    const bare = makeCommit(repo, 2, { parents: [] });
    await upsertCommits(t.db, [bare]);
    await upsertCommits(t.db, [{ ...bare, parents: [sha("p3")] }]);
    expect((await getCommits(t.db, repo, [bare.sha]))[0]?.parents).toEqual([sha("p3")]);
  });

  it("a deployment's syncedAt moves when a new status arrives, and only then", async () => {
    const repo = `acme/statuses-${backend}`;
    const first = makeDeployment(repo, 2, { statuses: [{ state: "in_progress", createdAt: at(26), description: "" }] });
    await upsertDeployments(t.db, [first]);
    const syncedAt = async () =>
      (await t.handle.query<{ s: string }>(`select synced_at::text as s from deployments where repo = '${repo}'`))[0]
        ?.s;
    const before = await syncedAt();
    await new Promise((r) => setTimeout(r, 20));
    await upsertDeployments(t.db, [first]);
    expect(await syncedAt()).toBe(before);
    await upsertDeployments(t.db, [
      { ...first, statuses: [...first.statuses, { state: "success", createdAt: at(27), description: "" }] },
    ]);
    expect(await syncedAt()).not.toBe(before);
  });

  it("a partial row updates only the columns it carries", async () => {
    const repo = "acme/partial";
    await writeWorld(repo);
    await upsertSyncCursor(t.db, {
      scope: repo,
      stream: "pull_requests",
      state: { highWaterMark: at(50), seenAtMark: [1] },
      lastRunAt: at(60),
    });
    const cursor = await getSyncCursor(t.db, repo, "pull_requests");
    expect(cursor).toMatchObject({ lastError: "boom", lastRunAt: at(60) });

    await upsertChanges(t.db, [
      { key: `${repo}#1`, kind: "pull_request", repo, mergedAt: at(15), deployedAt: at(99), deploymentId: null },
    ]);
    const [change] = await listChanges(t.db, { on: "mergedAt", from: at(15), to: at(16), repos: [repo] });
    expect(change).toMatchObject({ deployedAt: at(99), deploymentId: null, creditedLogin: "dev1", trivial: false });
  });

  it("records a webhook delivery once", async () => {
    const delivery = { deliveryId: `d-${backend}`, event: "pull_request", action: "closed", receivedAt: at(1) };
    expect(await recordWebhookDelivery(t.db, delivery)).toBe(true);
    expect(await recordWebhookDelivery(t.db, delivery)).toBe(false);
  });

  it("writes a batch larger than the bind-parameter limit whole", async () => {
    const repo = "acme/large";
    // 30,000 x 18 commit columns = 540,000 parameters, 8x the limit, on PostgreSQL (where the
    // limit is postgres.js's). PGlite is single-threaded WebAssembly: 5,000 commits (90,000
    // parameters, two statements) show the same chunking in a fraction of the time.
    const count = backend === "postgres" ? 30_000 : 5_000;
    const batch = Array.from({ length: count }, (_, i) => makeCommit(repo, i));
    await upsertCommits(t.db, batch);
    const [row] = await t.handle.query<{ n: string | number; adds: string | number }>(
      `select count(*) as n, sum(additions) as adds from commits where repo = '${repo}'`,
    );
    expect(Number(row?.n)).toBe(count);
    expect(Number(row?.adds)).toBe(batch.reduce((sum, c) => sum + (c.additions ?? 0), 0));
    const [coAuthors] = await t.handle.query<{ n: string | number }>(
      `select count(*) as n from commit_co_authors where repo = '${repo}'`,
    );
    expect(Number(coAuthors?.n)).toBe(count / 10);
    const last = batch[count - 1];
    expect(await getCommits(t.db, repo, [last?.sha ?? ""])).toEqual([last]);
  });
});
