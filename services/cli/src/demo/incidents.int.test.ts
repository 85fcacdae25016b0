import { listIncidentIssues } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, startSimulator, World } from "@yardstick/github-sim";
import { createPipelineDeps, type JobContext, type Jobs, processors } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silent } from "../resilience/harness.js";
import { configForWorld } from "./world-config.js";

/**
 * The incident-issue sync of one repository against the simulator: it stores exactly the issues
 * carrying the configured label, and a changed label starts its own backfill (the cursor is per
 * label) instead of resuming where the old label's pass ended.
 */
const TOKEN = "incidents-token";
const world = World.from(generateWorld(presetOptions("small", 4)));
const now = new Date(world.header.now);
const context: JobContext<Jobs> = { jobId: "incidents", attempt: 1, logger: silent, enqueue: async () => {} };

/** The repository with the most issues carrying `label`, and those issues' numbers. */
function worldIssues(label: string, repo?: string): { repo: string; numbers: number[] } {
  let best = { repo: repo ?? "", numbers: [] as number[] };
  for (const r of world.repos()) {
    const fullName = `${r.org}/${r.name}`;
    if (repo !== undefined && fullName !== repo) continue;
    const numbers = [...world.issues(fullName)].filter((i) => i.labels.includes(label)).map((i) => i.number);
    if (numbers.length > best.numbers.length || fullName === repo) best = { repo: fullName, numbers };
  }
  return { repo: best.repo, numbers: best.numbers.sort((a, b) => a - b) };
}

let t: TestDatabase;
let sim: Awaited<ReturnType<typeof startSimulator>>;
beforeAll(async () => {
  t = await createTestDatabase();
  sim = await startSimulator({ world, tokens: [TOKEN], now: () => now.getTime() });
});
afterAll(async () => {
  await sim?.close();
  await t?.drop();
});

async function syncIncidents(repo: string, label: string) {
  const github = createGitHubClient({
    baseUrl: sim.url,
    auth: { type: "token", token: TOKEN },
    logger: silent,
    throttle: { graphqlMinTimeMs: 0 },
  });
  const config = configForWorld(world, { incidents: { label } });
  const deps = createPipelineDeps({ db: t.db, github, config, now: () => now });
  await processors["sync.incidents"]({ repo, runId: `incidents-${label}` }, context, deps);
}

describe("incident issue sync", () => {
  it("stores exactly the issues with the label; a changed label backfills afresh", async () => {
    const label = world.header.incidentLabel ?? "incident";
    const { repo, numbers } = worldIssues(label);
    expect(numbers.length).toBeGreaterThan(0);
    await syncIncidents(repo, label);
    const stored = await listIncidentIssues(t.db, { label, repos: [repo] });
    expect(stored.map((i) => i.number)).toEqual(numbers);

    // Another label ("bug" marks noise issues in the generated world): its own backfill.
    const bugs = worldIssues("bug", repo).numbers;
    expect(bugs.length).toBeGreaterThan(0);
    await syncIncidents(repo, "bug");
    expect((await listIncidentIssues(t.db, { label: "bug", repos: [repo] })).map((i) => i.number)).toEqual(bugs);
  });
});
