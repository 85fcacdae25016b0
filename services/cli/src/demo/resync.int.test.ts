import type { TestDatabase } from "@yardstick/db/testing";
import { createTestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSync, simulate, smallWorld, snapshot, stable } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

/**
 * The periodic re-sync reads each repository's markers (branch head, newest deployments,
 * releases, tags) on its first pull-request page and skips the streams that did not move. These
 * tests check that skipping never loses anything: changes made on GitHub without any webhook
 * arrive with the next periodic sync, which ends with the tables of a full sync of the changed
 * world into an empty database.
 */
describe("periodic re-sync: one request per unchanged repository, nothing new missed", () => {
  const world = smallWorld(13);
  const config = configForWorld(world);
  const orgs = world.orgs().length;
  const repoOf = (kind: string) => {
    const r = world.repos().find((x) => x.deployMethod.kind === kind);
    return r === undefined ? undefined : `${r.org}/${r.name}`;
  };
  let sim: Simulator;
  let db: TestDatabase;
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    sim = await simulate(world);
    db = await createTestDatabase();
    databases.push(db);
    expect((await inlineSync(db.db, sim, config, "initial")).failed).toEqual([]);
  }, 300_000);

  afterAll(async () => {
    for (const d of databases) await d.drop();
    await sim?.close();
  });

  it("costs one GraphQL request (1 point) a repository plus three an organisation when nothing changed", async () => {
    const before = stable(await snapshot(db.db));
    sim.accounting.reset();
    expect((await inlineSync(db.db, sim, config, "unchanged")).failed).toEqual([]);
    const usage = sim.accounting.total();
    const repos = world.repos().length;
    // An organisation: its repositories (discover.org), its members and its teams (discover.roster).
    expect(usage.graphqlRequests).toBe(repos + 3 * orgs);
    expect(usage.graphqlPoints).toBe(repos + 3 * orgs);
    expect(usage.restRequests).toBe(0);
    // Workflow runs have no GraphQL marker: a conditional request, answered 304 (free on GitHub).
    expect(usage.notModified).toBe(world.repos().filter((r) => r.deployMethod.kind === "workflow").length);
    expect(stable(await snapshot(db.db))).toEqual(before);
  }, 300_000);

  it("picks up, without webhooks, a merged PR, a direct push, a new deployment, a late status and a release", async () => {
    const deploying = repoOf("deployments");
    const releasing = repoOf("releases");
    expect(deploying, "the world has a repository deploying with GitHub deployments").toBeDefined();
    const author = world.orgMembers(world.orgs()[0]?.login ?? "")[0]?.login ?? "";
    const before = stable(await snapshot(db.db));

    if (deploying !== undefined) {
      const older = (await sim.live.addDeployment({ repo: deploying, environment: "production", state: "in_progress" }))
        .id;
      const pull = await sim.live.addMergedPull({ repo: deploying, author, title: "Live: cache the rates" });
      await sim.live.addDeployment({
        repo: deploying,
        ref: pull.mergeCommitSha ?? undefined,
        environment: "production",
        state: "success",
      });
      // A late status on the earlier deployment (the marker covers the newest deployments' latest status).
      await sim.live.addDeploymentStatus({ repo: deploying, deploymentId: older, state: "failure" });
    }
    if (releasing !== undefined) {
      await sim.live.pushCommits({
        repo: releasing,
        pusher: author,
        commits: [{ message: "Bump the version", author }],
      });
      await sim.live.addRelease({ repo: releasing, tagName: "v99.0.0", author });
    }

    sim.accounting.reset();
    expect((await inlineSync(db.db, sim, config, "after-live")).failed).toEqual([]);
    const after = stable(await snapshot(db.db));
    expect(after.prs.length).toBe(before.prs.length + 1);
    expect(after.deployments.length).toBeGreaterThan(before.deployments.length);

    const fresh = await createTestDatabase();
    databases.push(fresh);
    expect((await inlineSync(fresh.db, sim, config, "fresh")).failed).toEqual([]);
    expect(after).toEqual(stable(await snapshot(fresh.db)));
  }, 300_000);
});
