import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { type Simulator, signature256 } from "@yardstick/github-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CliProcess,
  freePort,
  inlineSync,
  obliteratePrefix,
  REDIS_URL,
  simulate,
  smallWorld,
  snapshot,
  stable,
  startWorker,
  uniquePrefix,
  writeConfigFile,
} from "./harness.js";

const SECRET = "resilience-webhook-secret";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the tables stop changing (the serve process drains its jobs one after another). */
async function settled(db: TestDatabase, until: (s: ReturnType<typeof stable>) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let quietSince = Date.now();
  for (;;) {
    const now = stable(await snapshot(db.db));
    const text = JSON.stringify(now);
    if (text !== last) {
      last = text;
      quietSince = Date.now();
    } else if (until(now) && Date.now() - quietSince > 1_500) return now;
    if (Date.now() > deadline) throw new Error(`tables still changing or incomplete after ${timeoutMs} ms`);
    await sleep(200);
  }
}

const cost = (s: Simulator) => {
  const t = s.accounting.total();
  return t.graphqlPoints + t.restRequests;
};

function suite(mode: "inline" | "bullmq", seed: number) {
  describe(`webhooks from the simulator into \`yardstick serve\` (${mode === "inline" ? "jobs run in the serve process" : "jobs on BullMQ, run by a yardstick worker"})`, () => {
    const world = smallWorld(seed);
    const prefix = uniquePrefix();
    let configFile: Awaited<ReturnType<typeof writeConfigFile>>;
    let sim: Simulator;
    let served: TestDatabase;
    let serve: CliProcess;
    let worker: CliProcess | undefined;
    let hookUrl: string;
    const databases: TestDatabase[] = [];
    let fullSyncCost = 0;

    beforeAll(async () => {
      configFile = await writeConfigFile(world);
      const port = await freePort();
      hookUrl = `http://127.0.0.1:${port}/webhooks/github`;
      sim = await simulate(world, { webhooks: [{ url: hookUrl, secret: SECRET }] });
      served = await createTestDatabase();
      databases.push(served);
      sim.accounting.reset();
      const summary = await inlineSync(served.db, sim, configFile.config, "initial");
      expect(summary.failed).toEqual([]);
      fullSyncCost = cost(sim);
      const env = {
        databaseUrl: served.url,
        simulatorUrl: sim.url,
        configPath: configFile.path,
        extra: { GITHUB_WEBHOOK_SECRET: SECRET },
        ...(mode === "bullmq" ? { redisUrl: REDIS_URL, prefix } : {}),
      };
      serve = new CliProcess(["serve", "--port", String(port)], env);
      if (mode === "bullmq") worker = startWorker(env);
      await serve.waitFor("listening on");
      await worker?.waitFor("worker started");
    }, 120_000);

    afterAll(async () => {
      await serve?.stop();
      await worker?.stop();
      if (mode === "bullmq") await obliteratePrefix(REDIS_URL, prefix);
      for (const db of databases) await db.drop();
      await sim?.close();
      configFile?.remove();
    });

    const repo = world.repos().find((r) => r.deployMethod.kind === "deployments");
    const fullName = `${repo?.org}/${repo?.name}`;
    let afterLive: ReturnType<typeof stable>;

    it("a merged pull request and its production deployment added live arrive through webhooks, without a full resync", async () => {
      expect(repo, "the world has a repository deploying with GitHub deployments").toBeDefined();
      const before = stable(await snapshot(served.db));
      const author = world.orgMembers(repo?.org ?? "")[0]?.login ?? "";
      sim.accounting.reset();
      const pull = await sim.live.addMergedPull({
        repo: fullName,
        author,
        title: "Live: retry the payment webhook",
        commits: [
          { message: "Retry the payment webhook", author },
          { message: `Test the retry\n\nCo-authored-by: Someone <someone@example.com>`, author },
        ],
      });
      const deployment = await sim.live.addDeployment({
        repo: fullName,
        ref: pull.mergeCommitSha ?? undefined,
        environment: "production",
        state: "success",
      });
      const deliveries = sim.webhooks.deliveries();
      expect(deliveries.length).toBeGreaterThanOrEqual(3);
      for (const d of deliveries) expect(d.statusCode, `${d.event} ${d.action}: ${d.error}`).toBe(202);

      afterLive = await settled(served, (s) =>
        s.changes.some((c) => c.includes(`"${fullName}#${pull.number}"`) && !c.includes('"deployedAt":null')),
      );
      const webhookCost = cost(sim);
      expect(afterLive.prs.length).toBe(before.prs.length + 1);
      expect(afterLive.deployments.length).toBe(before.deployments.length + 1);
      // A targeted sync of this repository: a few requests (7 when written), where the initial sync
      // of the six repositories cost 65 (GraphQL points plus REST requests).
      expect(webhookCost).toBeGreaterThan(0);
      expect(webhookCost, `webhooks cost ${webhookCost}, the full sync ${fullSyncCost}`).toBeLessThan(fullSyncCost / 5);

      // The same tables as a full sync of the changed world into an empty database.
      const fresh = await createTestDatabase();
      databases.push(fresh);
      const summary = await inlineSync(fresh.db, sim, configFile.config, "fresh");
      expect(summary.failed).toEqual([]);
      expect(afterLive).toEqual(stable(await snapshot(fresh.db)));
      expect(deployment.id).toBeGreaterThan(0);
    }, 120_000);

    it("a replayed delivery changes nothing and costs no GitHub request", async () => {
      sim.accounting.reset();
      for (const d of sim.webhooks.deliveries().filter((x) => !x.redelivery)) {
        const again = await sim.webhooks.redeliver(d.guid);
        expect(again.statusCode, `${d.event} ${d.action}`).toBe(200);
      }
      await sleep(1_500);
      expect(cost(sim)).toBe(0);
      expect(stable(await snapshot(served.db))).toEqual(afterLive);
    }, 60_000);

    it("a forged delivery is refused with 401, a malformed one with 400, and neither changes anything", async () => {
      const body = JSON.stringify({ action: "closed", number: 1 });
      const post = (signature: string, id: string) =>
        fetch(hookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "pull_request",
            "x-github-delivery": id,
            "x-hub-signature-256": signature,
          },
          body,
        });
      expect((await post(signature256("not the secret", body), "forged-1")).status).toBe(401);
      expect((await post(signature256(SECRET, body), "malformed-1")).status).toBe(400);
      await sleep(500);
      expect(stable(await snapshot(served.db))).toEqual(afterLive);
    }, 60_000);
  });
}

suite("inline", 17);
suite("bullmq", 19);
