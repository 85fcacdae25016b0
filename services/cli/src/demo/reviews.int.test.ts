import type { Config } from "@yardstick/config";
import { type Database, pullRequests } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient, PULL_REQUEST_REVIEWS_BATCH } from "@yardstick/github";
import type { Simulator, World } from "@yardstick/github-sim";
import {
  createPipelineDeps,
  InlineRunner,
  jobs,
  loadMetricsInput,
  type ProgressEvent,
  processors,
  REVIEWS_STREAM,
  runSyncInline,
} from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silent, simulate, smallWorld, TOKEN } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

/**
 * The reviews the "self-merged without review" flag needs (issue 19), synced from the simulator
 * over real HTTP into PostgreSQL: the bulk pull-request query leaves reviews out, so `sync.reviews`
 * reads them, after attribution, for the AI-assisted changes merged by their credited person.
 * Checked against the world's ground truth, for cost (100 PRs a point, nothing on a re-sync), for
 * resuming, and for the webhook-driven sync of one pull request.
 */
describe("sync.reviews: the reviews of AI-assisted changes merged by their credited person", () => {
  const world: World = smallWorld(7);
  const config: Config = configForWorld(world);
  let sim: Simulator;
  let t: TestDatabase;
  const events: ProgressEvent[] = [];

  const depsFor = (db: Database) => {
    const github = createGitHubClient({
      baseUrl: sim.url,
      auth: { type: "token", token: TOKEN },
      logger: silent,
      throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
    });
    return createPipelineDeps({ db, github, config, onProgress: (e) => events.push(e) });
  };
  const reviewEvents = () => events.filter((e) => e.kind === "page" && e.stream === REVIEWS_STREAM);
  /** Who reviewed a PR of the world (the states the details query asks for), sorted. */
  const truthReviewers = (repo: string, number: number) =>
    [
      ...new Set(
        (world.pull(repo, number)?.reviews ?? [])
          .filter((r) => ["APPROVED", "COMMENTED", "CHANGES_REQUESTED"].includes(r.state))
          .map((r) => r.user),
      ),
    ].sort();
  /** The AI-assisted changes (any confidence) merged by their credited person, by repository. */
  const selfMergedAi = async (db: Database) => {
    const input = await loadMetricsInput(db, config);
    const byRepo = new Map<string, number[]>();
    for (const c of input.changes) {
      if (c.kind !== "pull_request" || c.number === null || c.aiConfidence === null) continue;
      if (c.personId === null || c.mergedById !== c.personId) continue;
      byRepo.set(c.repo, [...(byRepo.get(c.repo) ?? []), c.number]);
    }
    return { byRepo, input };
  };

  beforeAll(async () => {
    sim = await simulate(world);
    t = await createTestDatabase();
    sim.accounting.reset();
    const summary = await runSyncInline(depsFor(t.db), silent, { runId: "first" });
    expect(summary.failed).toEqual([]);
  }, 300_000);

  afterAll(async () => {
    await t?.drop();
    await sim?.close();
  });

  it("reads them for every AI-assisted change merged by its credited person, as GitHub has them", async () => {
    const { byRepo, input } = await selfMergedAi(t.db);
    const wanted = [...byRepo.values()].reduce((n, list) => n + list.length, 0);
    expect(wanted).toBeGreaterThan(20);
    const known = new Map(input.changes.map((c) => [c.key, c.reviewsKnown]));
    for (const [repo, numbers] of byRepo) for (const n of numbers) expect(known.get(`${repo}#${n}`)).toBe(true);
    // Every review stored as read is the world's, and some self-merged AI PRs were reviewed by
    // someone else (so they do not count as merged without review) while others were not.
    const rows = await t.db.select().from(pullRequests);
    const read = rows.filter((r) => r.reviewsRead);
    for (const r of read)
      expect([...r.reviewers].sort(), `${r.repo}#${r.number}`).toEqual(truthReviewers(r.repo, r.number));
    const self = read.filter((r) => byRepo.get(r.repo)?.includes(r.number));
    expect(self.length).toBe(wanted);
    expect(self.some((r) => r.reviewers.length > 0)).toBe(true);
    expect(self.some((r) => r.reviewers.length === 0)).toBe(true);
  });

  it("reads only those beyond the Bot-opened PRs, 100 a point, and the flag sees unread reviews as unknown", async () => {
    const { byRepo, input } = await selfMergedAi(t.db);
    const rows = await t.db.select().from(pullRequests);
    const bots = new Set(rows.filter((r) => r.authorType === "Bot").map((r) => `${r.repo}#${r.number}`));
    // sync.reviews read the human-opened ones (Bot-opened PRs' come with their details).
    let expectedPoints = 0;
    let expectedRead = 0;
    for (const [repo, numbers] of byRepo) {
      const human = numbers.filter((n) => !bots.has(`${repo}#${n}`)).length;
      expectedRead += human;
      expectedPoints += Math.ceil(human / PULL_REQUEST_REVIEWS_BATCH);
    }
    const events = reviewEvents();
    expect(events.reduce((n, e) => n + (e.kind === "page" ? e.items : 0), 0)).toBe(expectedRead);
    expect(events.reduce((n, e) => n + (e.kind === "page" ? e.points : 0), 0)).toBe(expectedPoints);
    // The other human-opened PRs' reviews stay unread, and the flag never counts those as unreviewed.
    const unread = rows.filter((r) => !r.reviewsRead);
    expect(unread.length).toBeGreaterThan(rows.length / 2);
    expect(unread.every((r) => r.authorType !== "Bot" && r.reviewers.length === 0)).toBe(true);
    const unknown = input.changes.filter((c) => !c.reviewsKnown);
    expect(unknown.length).toBe(unread.length);
  });

  it("reads nothing on an unchanged re-sync", async () => {
    events.length = 0;
    sim.accounting.reset();
    const summary = await runSyncInline(depsFor(t.db), silent, { runId: "again" });
    expect(summary.failed).toEqual([]);
    expect(reviewEvents()).toEqual([]);
    // One request a repository and three an organisation (its repositories; its roster: members,
    // teams with their members): no details query.
    expect(sim.accounting.total().graphqlRequests).toBe(world.repos().length + 3 * world.orgs().length);
  }, 300_000);

  it("goes on where it stopped: reviews forgotten (a PR re-read, a crash before they were read) are read again, alone", async () => {
    const { byRepo } = await selfMergedAi(t.db);
    const [repo, numbers] = [...byRepo].sort((a, b) => b[1].length - a[1].length)[0] as [string, number[]];
    const forgotten = numbers.slice(0, 3);
    await t.handle.query(
      `update pull_requests set reviewers = '{}', reviews_read = false
       where repo = '${repo}' and number in (${forgotten.join(",")})`,
    );
    events.length = 0;
    sim.accounting.reset();
    const runner = new InlineRunner({ catalog: jobs, processors, deps: depsFor(t.db), logger: silent });
    await runner.enqueue("sync.reviews", { repo, runId: "resume" });
    expect((await runner.drain()).failed).toEqual([]);
    expect(reviewEvents()).toEqual([
      { kind: "page", repo, stream: REVIEWS_STREAM, items: 3, points: 1, remaining: expect.any(Number) },
    ]);
    expect(sim.accounting.total().graphqlPoints).toBe(1);
    const rows = (await t.db.select().from(pullRequests)).filter(
      (r) => r.repo === repo && forgotten.includes(r.number),
    );
    expect(rows.length).toBe(3);
    for (const r of rows) {
      expect(r.reviewsRead).toBe(true);
      expect([...r.reviewers].sort()).toEqual(truthReviewers(repo, r.number));
    }
  });

  it("a webhook's pull request (sync.pull-request) gets its reviews read too", async () => {
    const repo = `${world.repos()[0]?.org}/${world.repos()[0]?.name}`;
    const author = world.orgMembers(world.orgs()[0]?.login ?? "")[0]?.login ?? "";
    // An AI-assisted PR its author merged with nobody's review.
    const pull = await sim.live.addMergedPull({
      repo,
      author,
      mergedBy: author,
      title: "Live: retry the export",
      commits: [{ message: "Retry the export\n\nCo-authored-by: Claude <noreply@anthropic.com>", author }],
    });
    events.length = 0;
    const runner = new InlineRunner({ catalog: jobs, processors, deps: depsFor(t.db), logger: silent });
    await runner.enqueue("sync.pull-request", { repo, number: pull.number, runId: "webhook-1" });
    expect((await runner.drain()).failed).toEqual([]);
    const row = (await t.db.select().from(pullRequests)).find((r) => r.repo === repo && r.number === pull.number);
    expect(row?.reviewsRead).toBe(true);
    expect(row?.reviewers).toEqual([]);
    expect(reviewEvents().map((e) => (e.kind === "page" ? e.items : 0))).toEqual([1]);
    const change = (await loadMetricsInput(t.db, config)).changes.find((c) => c.key === `${repo}#${pull.number}`);
    expect(change).toMatchObject({ reviewsKnown: true, reviewerIds: [] });
    expect(change?.aiConfidence).not.toBeNull();
    expect(change?.mergedById).toBe(change?.personId);
  }, 120_000);
});
