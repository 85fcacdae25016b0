import { listOrgMemberships } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, World, type WorldRecord } from "@yardstick/github-sim";
import {
  createPipelineDeps,
  type JobContext,
  type Jobs,
  loadMetricsInput,
  personIdFor,
  processors,
} from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silent } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

/**
 * Roster history through the real discovery: the organisation is discovered from the simulator,
 * then, a week later, from the same organisation after one member left and one joined (a second
 * world differing only in those memberships). GitHub keeps no membership dates; the discoveries
 * must date the departure and the arrival, and the metrics input must carry them.
 */
const TOKEN = "roster-token";
const records = [...generateWorld(presetOptions("small", 21))];
const first = World.from(records);
const org = first.orgs()[0]?.login ?? "acme";
const humans = first.orgMembers(org).filter((u) => u.kind === "human");
const leaver = humans[1];
// Someone not a member at the first discovery (a former member: the world's people who left).
const members = new Set(first.orgMembers(org).map((u) => u.login));
const joiner = first.users().find((u) => u.kind === "human" && !members.has(u.login));
const later = new Date(Date.parse(first.header.now) + 7 * 86_400_000);

/** The same world a week on: `leaver` has left; `joiner` (if any non-member exists) has joined. */
function weekLater(): World {
  const changed = records.map((r): WorldRecord => {
    if (r.type !== "user") return r;
    if (r.login === leaver?.login) {
      return { ...r, memberships: r.memberships.map((m) => (m.org === org ? { ...m, leftAt: first.header.now } : m)) };
    }
    if (r.login === joiner?.login) {
      return {
        ...r,
        memberships: [...r.memberships, { org, role: "member", joinedAt: first.header.now, leftAt: null }],
      };
    }
    return r;
  });
  return World.from(changed);
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function discover(world: World, at: Date): Promise<void> {
  const sim = await startSimulator({ world, tokens: [TOKEN] });
  try {
    const github = createGitHubClient({
      baseUrl: sim.url,
      auth: { type: "token", token: TOKEN },
      logger: silent,
      throttle: { graphqlMinTimeMs: 0 },
    });
    const deps = createPipelineDeps({ db: t.db, github, config: configForWorld(world), now: () => at });
    // Discovery alone (the organisation's and its roster's jobs): the repository syncs it enqueues are not under test.
    const enqueued: Parameters<JobContext<Jobs>["enqueue"]>[] = [];
    const context: JobContext<Jobs> = {
      jobId: "discover",
      attempt: 1,
      logger: silent,
      enqueue: async (...job) => void enqueued.push(job),
    };
    const runId = `roster-${at.toISOString()}`;
    await processors["discover.org"]({ org, runId }, context, deps);
    expect(enqueued[0]).toEqual(["discover.roster", { org, runId }]);
    await processors["discover.roster"]({ org, runId }, context, deps);
  } finally {
    await sim.close();
  }
}

describe("roster history", () => {
  it("dates who left and who joined between two discoveries, and the metrics input carries the dates", async () => {
    expect(leaver).toBeDefined();
    const start = new Date(first.header.now);
    await discover(first, start);
    await discover(weekLater(), later);
    await discover(weekLater(), later); // the same discovery again changes nothing
    const rows = new Map((await listOrgMemberships(t.db, org)).map((m) => [m.personId, m]));
    const leaverId = personIdFor(leaver?.login ?? "", leaver?.id ?? null);
    expect(rows.get(leaverId)).toMatchObject({ joinedAt: null, leftAt: later });
    const stayed = humans.filter((u) => u.login !== leaver?.login).map((u) => personIdFor(u.login, u.id));
    for (const id of stayed) expect(rows.get(id), id).toMatchObject({ joinedAt: null, leftAt: null });
    expect(joiner).toBeDefined();
    expect(rows.get(personIdFor(joiner?.login ?? "", joiner?.id ?? null))).toMatchObject({
      joinedAt: later,
      leftAt: null,
    });

    const input = await loadMetricsInput(t.db, configForWorld(first));
    const roster = new Map(input.roster.map((p) => [p.id, p]));
    expect(roster.get(leaverId)).toMatchObject({ joinedAt: null, leftAt: later });
    expect(roster.get(stayed[0] ?? "")).toMatchObject({ joinedAt: null, leftAt: null });
  }, 120_000);
});
