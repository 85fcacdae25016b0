import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyWorld } from "../world/index.js";
import { type Simulator, startSimulator } from "./server.js";
import { signature256 } from "./webhooks.js";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe("webhooks and live changes", () => {
  let sim: Simulator;
  let receiver: Server;
  const received: Received[] = [];
  const secret = "s3cret";
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    sim = await startSimulator({
      world: tinyWorld(),
      seed: 11,
      webhooks: [{ url: `http://127.0.0.1:${port}/hook`, secret }],
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const events = () => received.map((r) => r.headers["x-github-event"]);

  it("delivers pull_request (closed, merged) and push for a live merged PR, signed, and serves it at once", async () => {
    received.length = 0;
    const pull = await sim.live.addMergedPull({
      repo: "acme/api",
      author: "bob",
      title: "Live change",
      commits: [{ message: "Work\n\nCo-authored-by: Claude <noreply@anthropic.com>" }, { message: "More work" }],
    });
    expect(events()).toEqual(["pull_request", "push"]);
    for (const r of received) {
      expect(r.headers["x-hub-signature-256"]).toBe(signature256(secret, r.body));
      expect(r.headers["x-github-delivery"]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(String(r.headers["user-agent"])).toMatch(/^GitHub-Hookshot\//);
    }
    const payload = JSON.parse(received[0]?.body ?? "{}") as {
      action: string;
      pull_request: { merged: boolean; number: number };
    };
    expect(payload.action).toBe("closed");
    expect(payload.pull_request.merged).toBe(true);
    expect(payload.pull_request.number).toBe(pull.number);
    const octokit = new Octokit({ baseUrl: sim.url, auth: "x" });
    const served = await octokit.pulls.get({ owner: "acme", repo: "api", pull_number: pull.number });
    expect(served.data.merge_commit_sha).toBe(pull.mergeCommitSha);
    const head = await octokit.repos.listCommits({ owner: "acme", repo: "api", per_page: 1 });
    expect(head.data[0]?.sha).toBe(pull.mergeCommitSha);
    expect(head.data[0]?.commit.message).toContain("Co-authored-by: Claude <noreply@anthropic.com>");
    const list = await octokit.pulls.list({ owner: "acme", repo: "api", state: "closed", per_page: 1 });
    expect(list.data[0]?.number).toBe(pull.number);
  });

  it("delivers deployment, deployment_status, release and workflow_run through the admin API", async () => {
    received.length = 0;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${sim.url}/_sim/${path}`, { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: number };
    };
    const d = await post("deployments", { repo: "acme/api", environment: "production" });
    await post("deployment-statuses", { repo: "acme/api", deploymentId: d.id, state: "success" });
    await post("releases", { repo: "acme/api", tagName: "v9.0.0", author: "alice" });
    await post("workflow-runs", { repo: "acme/api", name: "Deploy" });
    expect(events()).toEqual(["deployment", "deployment_status", "release", "workflow_run"]);
    const status = JSON.parse(received[1]?.body ?? "{}") as {
      deployment_status: { state: string };
      deployment: { id: number };
    };
    expect(status.deployment_status.state).toBe("success");
    expect(status.deployment.id).toBe(d.id);
    const bad = await fetch(`${sim.url}/_sim/deployments`, { method: "POST", body: JSON.stringify({ repo: "nope" }) });
    expect(bad.status).toBe(422);
  });

  it("delivers issues opened and labeled for a live issue, numbered after every PR and issue, and serves it", async () => {
    received.length = 0;
    const res = await fetch(`${sim.url}/_sim/issues`, {
      method: "POST",
      body: JSON.stringify({
        repo: "acme/api",
        author: "alice",
        title: "Checkout 500s after deploy 1a2b3c4d",
        labels: ["incident", "sev2"],
      }),
    });
    expect(res.status).toBe(201);
    const issue = (await res.json()) as { number: number };
    expect(issue.number).toBe(Math.max(...sim.store.world.pullNumbers("acme/api")) + 1);
    expect(events()).toEqual(["issues", "issues", "issues"]);
    const payloads = received.map(
      (r) => JSON.parse(r.body) as { action: string; issue: { number: number }; label?: { name: string } },
    );
    expect(payloads.map((p) => [p.action, p.label?.name ?? null])).toEqual([
      ["opened", null],
      ["labeled", "incident"],
      ["labeled", "sev2"],
    ]);
    expect(payloads[0]?.issue.number).toBe(issue.number);
    const octokit = new Octokit({ baseUrl: sim.url, auth: "x" });
    const served = await octokit.issues.listForRepo({ owner: "acme", repo: "api", labels: "incident" });
    expect(served.data.map((i) => i.number)).toEqual([issue.number]);
    // The next pull request does not reuse the issue's number.
    const pull = await sim.live.addMergedPull({ repo: "acme/api", author: "bob", title: "After the issue" });
    expect(pull.number).toBe(issue.number + 1);
  });

  it("redelivers with the same delivery id", async () => {
    const last = sim.webhooks.deliveries().at(-1);
    if (!last) throw new Error("no delivery");
    received.length = 0;
    const res = await fetch(`${sim.url}/_sim/webhooks/deliveries/${last.id}/redeliver`, { method: "POST" });
    expect(res.status).toBe(202);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["x-github-delivery"]).toBe(last.guid);
    expect(received[0]?.body).toBe(last.payload);
    expect(sim.webhooks.deliveries().at(-1)?.redelivery).toBe(true);
  });

  it("advances the clock and reads and resets accounting over the admin API", async () => {
    const before = sim.worldNow();
    const adv = await fetch(`${sim.url}/_sim/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ seconds: 86_400 }),
    });
    expect(adv.status).toBe(200);
    expect(sim.worldNow() - before).toBe(86_400_000);
    await fetch(`${sim.url}/repos/acme/api`, { headers: { authorization: "token acct" } });
    const acct = (await (await fetch(`${sim.url}/_sim/accounting`)).json()) as {
      tokens: Record<string, { restRequests: number }>;
    };
    expect(acct.tokens.acct?.restRequests).toBe(1);
    await fetch(`${sim.url}/_sim/accounting/reset`, { method: "POST" });
    expect(sim.accounting.snapshot()).toEqual({});
  });
});
