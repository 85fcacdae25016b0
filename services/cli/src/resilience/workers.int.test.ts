import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import type { Simulator } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliProcess,
  enqueueAndFollow,
  inlineSync,
  obliteratePrefix,
  REDIS_URL,
  simulate,
  smallWorld,
  snapshot,
  stable,
  startWorker,
  uniquePrefix,
  worldMergedPulls,
  writeConfigFile,
} from "./harness.js";

const world = smallWorld(11);
let configFile: Awaited<ReturnType<typeof writeConfigFile>>;
let sim: Simulator;
let baseline: ReturnType<typeof stable>;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  configFile = await writeConfigFile(world);
  sim = await simulate(world);
  const db = await createTestDatabase();
  databases.push(db);
  const summary = await inlineSync(db.db, sim, configFile.config, "inline");
  expect(summary.failed).toEqual([]);
  baseline = stable(await snapshot(db.db));
}, 120_000);

afterAll(async () => {
  for (const db of databases) await db.drop();
  await sim?.close();
  configFile?.remove();
});

describe("yardstick worker processes against the simulator, Redis and PostgreSQL", () => {
  it("the inline sync stores every merged pull request of the world", () => {
    expect(
      baseline.prs
        .map((row) => {
          const pr = JSON.parse(row) as { repo: string; number: number };
          return `${pr.repo}#${pr.number}`;
        })
        .sort(),
    ).toEqual(worldMergedPulls(world));
  });

  for (const processes of [1, 2, 4]) {
    it(`${processes} worker process(es) ingest the world to the same tables as the inline sync`, async () => {
      const db = await createTestDatabase();
      databases.push(db);
      const prefix = uniquePrefix();
      const env = {
        databaseUrl: db.url,
        redisUrl: REDIS_URL,
        simulatorUrl: sim.url,
        configPath: configFile.path,
        prefix,
      };
      const workers: CliProcess[] = Array.from({ length: processes }, () => startWorker(env));
      try {
        await Promise.all(workers.map((w) => w.waitFor("worker started")));
        const run = await enqueueAndFollow({
          redisUrl: REDIS_URL,
          prefix,
          db: db.db,
          config: configFile.config,
          simulatorUrl: sim.url,
          runId: `workers-${processes}`,
        });
        expect(run.failed).toEqual([]);
        expect(stable(await snapshot(db.db))).toEqual(baseline);
        if (processes > 1) {
          // Every process took work (the jobs were shared, not all run by one).
          for (const w of workers) expect(w.output, "a worker that never ran a job").toContain('"jobId":"');
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await obliteratePrefix(REDIS_URL, prefix);
      }
    }, 180_000);
  }
});
