import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson } from "./http-util.js";
import type { Simulator } from "./server.js";

/**
 * The admin API under `/_sim/` (no token needed; loopback only). Everything here is also on the
 * `Simulator` object for in-process tests.
 *
 *   GET  /_sim/accounting                 per-token usage       POST /_sim/accounting/reset
 *   GET  /_sim/faults                     current fault config  POST /_sim/faults {patch}  DELETE /_sim/faults
 *   POST /_sim/clock/advance {"seconds"}  move time (limits reset, live changes later)
 *   POST /_sim/rate-limit/exhaust {"token","resource"}         POST /_sim/rate-limit/reset
 *   GET  /_sim/webhooks   POST /_sim/webhooks {url,secret,events}   GET /_sim/webhooks/deliveries
 *   POST /_sim/webhooks/deliveries/{id|guid}/redeliver
 *   POST /_sim/pulls | /_sim/deployments | /_sim/deployment-statuses | /_sim/releases
 *        | /_sim/workflow-runs | /_sim/pushes | /_sim/issues   live changes (see live.ts)
 *   POST /_sim/force-pushes {repo, sha, branch?}   move a branch to any commit (a force-push)
 *   POST /_sim/git/refuse {repo, refuse}           refuse Git clones and fetches of a repository
 */
export async function handleAdmin(sim: Simulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.replace(/\/+$/, "");
  const method = req.method ?? "GET";
  const json = async (): Promise<unknown> => {
    const text = await readBody(req);
    return text.trim() === "" ? {} : JSON.parse(text);
  };
  try {
    if (path === "/_sim/accounting" && method === "GET") {
      return sendJson(res, 200, { tokens: sim.accounting.snapshot(), total: sim.accounting.total() });
    }
    if (path === "/_sim/accounting/reset" && method === "POST") {
      sim.accounting.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/_sim/faults") {
      if (method === "GET") return sendJson(res, 200, sim.faults.config);
      if (method === "POST") return sendJson(res, 200, sim.faults.configure((await json()) as Record<string, never>));
      if (method === "DELETE") {
        sim.faults.clear();
        return sendJson(res, 200, sim.faults.config);
      }
    }
    if (path === "/_sim/clock/advance" && method === "POST") {
      const body = z.object({ seconds: z.number().nonnegative() }).parse(await json());
      sim.clock.advance(body.seconds * 1000);
      return sendJson(res, 200, {
        now: new Date(sim.clock.now()).toISOString(),
        worldNow: new Date(sim.worldNow()).toISOString(),
      });
    }
    if (path === "/_sim/rate-limit/exhaust" && method === "POST") {
      const body = z
        .object({ token: z.string(), resource: z.enum(["core", "graphql"]).default("core") })
        .parse(await json());
      sim.rateLimiter.exhaust(body.token, body.resource);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/_sim/rate-limit/reset" && method === "POST") {
      sim.rateLimiter.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/_sim/webhooks") {
      if (method === "GET") return sendJson(res, 200, sim.webhooks.hooks());
      if (method === "POST") return sendJson(res, 201, sim.webhooks.add((await json()) as never));
    }
    if (path === "/_sim/webhooks/deliveries" && method === "GET") {
      return sendJson(res, 200, sim.webhooks.deliveries());
    }
    const redeliver = /^\/_sim\/webhooks\/deliveries\/([^/]+)\/redeliver$/.exec(path);
    if (redeliver && method === "POST") {
      const key = redeliver[1] ?? "";
      return sendJson(res, 202, await sim.webhooks.redeliver(/^\d+$/.test(key) ? Number(key) : key));
    }
    if (method === "POST") {
      const body = (await json()) as never;
      switch (path) {
        case "/_sim/pulls":
          return sendJson(res, 201, await sim.live.addMergedPull(body));
        case "/_sim/pushes":
          return sendJson(res, 201, await sim.live.pushCommits(body));
        case "/_sim/deployments":
          return sendJson(res, 201, await sim.live.addDeployment(body));
        case "/_sim/deployment-statuses":
          return sendJson(res, 201, await sim.live.addDeploymentStatus(body));
        case "/_sim/releases":
          return sendJson(res, 201, await sim.live.addRelease(body));
        case "/_sim/workflow-runs":
          return sendJson(res, 201, await sim.live.addWorkflowRun(body));
        case "/_sim/issues":
          return sendJson(res, 201, await sim.live.addIssue(body));
        case "/_sim/force-pushes":
          return sendJson(res, 201, await sim.live.forcePush(body));
        case "/_sim/git/refuse": {
          const { repo, refuse } = z.object({ repo: z.string(), refuse: z.boolean().default(true) }).parse(body);
          if (!sim.git) return sendJson(res, 409, { message: "the simulator does not serve Git (start it with git)" });
          sim.git.setRefused(repo, refuse);
          return sendJson(res, 200, { repo, refused: refuse });
        }
      }
    }
    return sendJson(res, 404, { message: `no admin route ${method} ${path}` });
  } catch (e) {
    const message = e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message;
    return sendJson(res, 422, { message });
  }
}
