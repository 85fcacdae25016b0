import {
  type Database,
  getSyncCursor,
  orgMemberships,
  people,
  personIdentities,
  teamMemberships,
  teams,
  upsertSyncCursor,
} from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { GitHubClient } from "@yardstick/github";
import type { Simulator } from "@yardstick/github-sim";
import {
  BullMqRunner,
  createPipelineDeps,
  enqueueSync,
  type JobContext,
  type Jobs,
  jobs,
  type PipelineDeps,
  type Processors,
  processors,
  ROSTER_STREAM,
  rosterWaitMs,
} from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inlineSync,
  obliteratePrefix,
  REDIS_URL,
  silent,
  simulate,
  smallWorld,
  snapshot,
  stable,
  TOKEN,
  uniquePrefix,
} from "../resilience/harness.js";
import { testGitHubClient } from "./sync-world.js";
import { configForWorld } from "./world-config.js";

/**
 * Discovery fanned out (issue 18): `discover.org` enqueues each page's repository syncs as the page
 * arrives and the roster is read by its own job (`discover.roster`) on another worker, while that
 * run's attribution waits for the roster. Two BullMQ workers against the simulator over HTTP, real
 * PostgreSQL and Redis; the inline sync of the same world is what they must store.
 */
const world = smallWorld(23);
const config = configForWorld(world);
const org = world.orgs()[0]?.login ?? "acme";

let sim: Simulator;
const databases: TestDatabase[] = [];
let baseline: { tables: ReturnType<typeof stable>; roster: Awaited<ReturnType<typeof rosterTables>> };

beforeAll(async () => {
  sim = await simulate(world);
  const db = await createTestDatabase();
  databases.push(db);
  const summary = await inlineSync(db.db, sim, config, "inline");
  expect(summary.failed).toEqual([]);
  baseline = { tables: stable(await snapshot(db.db)), roster: await rosterTables(db.db) };
}, 180_000);
afterAll(async () => {
  for (const db of databases) await db.drop();
  await sim?.close();
});

/** The roster as stored, without the columns a discovery's time decides. */
async function rosterTables(db: Database) {
  const sorted = <T extends object>(rows: T[]) =>
    rows.map((r) => JSON.stringify(Object.entries(r).filter(([k]) => k !== "createdAt" && k !== "updatedAt"))).sort();
  return {
    people: sorted(await db.select().from(people)),
    identities: sorted(await db.select().from(personIdentities)),
    teams: sorted(await db.select().from(teams)),
    teamMemberships: sorted(await db.select().from(teamMemberships)),
    orgMemberships: sorted(
      (await db.select().from(orgMemberships)).map(({ org, personId, joinedAt, leftAt }) => ({
        org,
        personId,
        joinedAt,
        leftAt,
      })),
    ),
  };
}

/** A GitHub client whose organisation-members reads wait for `gate` first (the rest as is). */
function gatedClient(client: GitHubClient, gate: () => Promise<void>): GitHubClient {
  return Object.assign(Object.create(client) as GitHubClient, {
    async graphql<T>(query: string, variables?: Record<string, unknown>) {
      if (/query OrgMembers\b/.test(query)) await gate();
      return client.graphql<T>(query, variables);
    },
  });
}

interface Run {
  worker: string;
  job: string;
  jobId: string;
  start: number;
  end: number;
  outcome: "completed" | "deferred" | "failed";
}

/** The catalog's processors, each run recorded (which worker, when, how it ended). */
function recorded(worker: string, log: Run[]): Processors<Jobs, PipelineDeps> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, processor] of Object.entries(processors)) {
    wrapped[name] = async (payload: never, context: JobContext<Jobs>, deps: PipelineDeps) => {
      const run: Run = { worker, job: name, jobId: context.jobId, start: Date.now(), end: 0, outcome: "completed" };
      try {
        await (processor as (p: never, c: JobContext<Jobs>, d: PipelineDeps) => Promise<void>)(payload, context, deps);
      } catch (error) {
        run.outcome = error instanceof Error && error.name === "JobDeferred" ? "deferred" : "failed";
        throw error;
      } finally {
        run.end = Date.now();
        log.push(run);
      }
    };
  }
  return wrapped as Processors<Jobs, PipelineDeps>;
}

describe("discovery fanned out over two workers", () => {
  it("starts the repositories' syncs before the roster is read, holds attribution until it is stored, and stores what the inline sync stores; discovering again changes nothing", async () => {
    const fresh = await createTestDatabase();
    databases.push(fresh);
    const prefix = uniquePrefix();
    const log: Run[] = [];
    // The organisation's members are read only once an attribution of the run has been deferred:
    // the roster is certainly incomplete while attribution would run.
    let gateOpen = false;
    const gate = async () => {
      const until = Date.now() + 90_000;
      while (!gateOpen && Date.now() < until) {
        if (log.some((r) => r.job === "attribute.changes" && r.outcome === "deferred")) gateOpen = true;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const github = gatedClient(testGitHubClient(sim.url, TOKEN), gate);
    const deps = createPipelineDeps({ db: fresh.db, github, config });
    const workers = ["a", "b"].map(
      (name) =>
        new BullMqRunner({
          catalog: jobs,
          processors: recorded(name, log),
          deps,
          logger: silent,
          redisUrl: REDIS_URL,
          prefix,
          concurrency: { ingest: 1 },
        }),
    );
    const producer = new BullMqRunner({ catalog: jobs, deps: null, logger: silent, redisUrl: REDIS_URL, prefix });
    try {
      for (const w of workers) w.start();
      await enqueueSync(producer, deps, { runId: "fanout-1" });
      await producer.waitUntilIdle(180_000, 100);
      expect(await producer.failed()).toEqual([]);
      expect(gateOpen).toBe(true);

      const completed = (job: string) => log.filter((r) => r.job === job && r.outcome === "completed");
      const [roster] = completed("discover.roster");
      const [discovery] = completed("discover.org");
      if (roster === undefined || discovery === undefined) throw new Error("discovery did not complete");
      // The first repository's sync started before the roster read ended (and on the other worker
      // while the roster held one).
      const firstSync = Math.min(...completed("sync.pulls").map((r) => r.start));
      expect(firstSync).toBeLessThan(roster.end);
      expect(discovery.end).toBeLessThan(roster.end);
      expect(new Set(log.map((r) => r.worker))).toEqual(new Set(["a", "b"]));
      // Attribution was put back while the roster was being read, and every attribution that ran
      // to the end began after the roster (and its mark, in the same transaction) was stored.
      expect(log.filter((r) => r.job === "attribute.changes" && r.outcome === "deferred").length).toBeGreaterThan(0);
      const mark = await getSyncCursor(fresh.db, org.toLowerCase(), ROSTER_STREAM);
      expect(mark?.state).toMatchObject({ runId: "fanout-1", status: "done" });
      const storedAt = mark?.lastRunAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const attributions = completed("attribute.changes");
      expect(attributions.length).toBe(world.repos().length);
      for (const r of attributions) expect(r.start).toBeGreaterThanOrEqual(storedAt);

      // What was stored is what the inline sync stores: pull requests, commits, deployments,
      // changes with their credited people, and the roster.
      expect(stable(await snapshot(fresh.db))).toEqual(baseline.tables);
      expect(await rosterTables(fresh.db)).toEqual(baseline.roster);

      // The same run enqueued again: every job id is taken, nothing runs.
      const before = log.length;
      await enqueueSync(producer, deps, { runId: "fanout-1" });
      await producer.waitUntilIdle(60_000, 100);
      expect(log.length).toBe(before);
      // A new run: the same tables, the roster mark done for it.
      await enqueueSync(producer, deps, { runId: "fanout-2" });
      await producer.waitUntilIdle(180_000, 100);
      expect(await producer.failed()).toEqual([]);
      expect(stable(await snapshot(fresh.db))).toEqual(baseline.tables);
      expect(await rosterTables(fresh.db)).toEqual(baseline.roster);
      expect((await getSyncCursor(fresh.db, org.toLowerCase(), ROSTER_STREAM))?.state).toMatchObject({
        runId: "fanout-2",
        status: "done",
      });
    } finally {
      gateOpen = true;
      await Promise.all(workers.map((w) => w.close(5_000)));
      await producer.close(1_000);
      await obliteratePrefix(REDIS_URL, prefix);
    }
  }, 300_000);

  it("stores nothing of a roster whose read fails, and marks the run's roster failed once retrying cannot help", async () => {
    const fresh = await createTestDatabase();
    databases.push(fresh);
    const client = testGitHubClient(sim.url, TOKEN);
    // The teams read fails after the members were read.
    const failing = Object.assign(Object.create(client) as GitHubClient, {
      async graphql<T>(query: string, variables?: Record<string, unknown>) {
        if (/query Teams\b/.test(query)) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error("connection reset while reading teams");
        }
        return client.graphql<T>(query, variables);
      },
    });
    const deps = createPipelineDeps({ db: fresh.db, github: failing, config });
    const enqueued: string[] = [];
    const context = (attempt: number): JobContext<Jobs> => ({
      jobId: "roster",
      attempt,
      logger: silent,
      enqueue: async (name) => void enqueued.push(name),
    });
    const payload = { org, runId: "fails" };
    await processors["discover.org"](payload, context(1), deps);
    expect(enqueued[0]).toBe("discover.roster");
    expect(enqueued.filter((n) => n === "sync.pulls").length).toBe(world.repos().length);
    const waitFor = (runId: string) => rosterWaitMs(deps, `${org}/any`, runId, silent);
    expect(await waitFor("fails")).toBeGreaterThan(0);
    // Another run (a webhook's, `sync --repos`) does not wait for this discovery.
    expect(await waitFor("webhook-1")).toBeNull();

    // A retryable failure: nothing stored, still pending (the job runs again).
    await expect(processors["discover.roster"](payload, context(1), deps)).rejects.toThrow(/teams/);
    const nothing = { people: [], identities: [], teams: [], teamMemberships: [], orgMemberships: [] };
    expect(await rosterTables(fresh.db)).toEqual(nothing);
    expect((await getSyncCursor(fresh.db, org.toLowerCase(), ROSTER_STREAM))?.state.status).toBe("pending");
    // Discovery run again (a restarted worker) leaves the mark as it is; the last attempt fails it.
    await processors["discover.org"](payload, context(2), deps);
    await expect(
      processors["discover.roster"](payload, context(jobs["discover.roster"].options.attempts), deps),
    ).rejects.toThrow(/teams/);
    expect((await getSyncCursor(fresh.db, org.toLowerCase(), ROSTER_STREAM))?.state.status).toBe("failed");
    expect(await rosterTables(fresh.db)).toEqual(nothing);
    // Attribution no longer waits: it goes on with the roster as stored.
    expect(await waitFor("fails")).toBeNull();

    // A roster pending for longer than attribution waits is not waited for either.
    await upsertSyncCursor(fresh.db, {
      scope: org.toLowerCase(),
      stream: ROSTER_STREAM,
      state: { runId: "stuck", status: "pending", since: new Date(Date.now() - 2 * 3_600_000) },
    });
    expect(await waitFor("stuck")).toBeNull();
  }, 120_000);
});
