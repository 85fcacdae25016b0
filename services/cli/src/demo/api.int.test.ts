import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiToken, preparedAsks, startApiServer, TOKEN_CACHE_MS } from "@yardstick/api";
import type { Config } from "@yardstick/config";
import { AppError, addWeeks, isoWeekOf, weekBounds } from "@yardstick/core";
import { changes as changesTable, getRollupRow, listPeople, type RollupStamp, readRollupStamp } from "@yardstick/db";
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { createLogger } from "@yardstick/log";
import {
  computeMetrics,
  type MetricsOutput,
  mannWhitneyTwoSided,
  medianIntervalOfSorted,
  sortedValues,
  type WeekFigures,
} from "@yardstick/metrics";
import {
  BullMqRunner,
  createGitHubRedis,
  createPipelineDeps,
  defineJob,
  githubBudgetReader,
  loadMetricsInput,
  runSyncInline,
} from "@yardstick/pipeline";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runCliProcess } from "../test-cli.js";
import { configForWorld } from "./world-config.js";

/**
 * The read API over real HTTP, on the rollups of a simulated organisation synced through the real
 * pipeline into PostgreSQL: every route, pagination, ETags, each role, and the ways one might try
 * to reach a suppressed group's figures or a person's name.
 */

const TOKEN = "test-token";
const REDIS_URL = process.env.YARDSTICK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const OAUTH = { clientId: "Iv1.yardstick-test", clientSecret: "oauth-secret" };
const world = World.from(generateWorld({ ...presetOptions("small", 11), weeks: 12 }), { truth: true });
const now = new Date(world.header.now);
// The "platform" team has 4 people: below k = 5, so it is suppressed and folds into "other".
const config: Config = configForWorld(world);
const silent = createLogger({ service: "test", level: "silent" });
const week = addWeeks(isoWeekOf(now, config.timeZone), -1);
const day = (w: string) => weekBounds(w, config.timeZone).start.toISOString().slice(0, 10);

describe.each(TEST_BACKENDS)("on %s", (backend) => {
  let t: TestDatabase;
  let sim: Simulator;
  let api: Awaited<ReturnType<typeof startApiServer>>;
  const tokens = { viewer: "", lead: "", admin: "" };
  let personIds: string[] = [];
  let logins: string[] = [];

  async function get(path: string, token: string | null = tokens.viewer, headers: Record<string, string> = {}) {
    // No retry: the server keeps idle connections 65 s (app.ts), longer than any recompute here
    // keeps this process from reusing one; a reset is a failure.
    const res = await fetch(`${api.url}${path}`, {
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text === "" ? null : JSON.parse(text) };
  }

  const groupWeek = (kind: string, name: string, w = week) =>
    `/api/v1/groups/${kind}/${encodeURIComponent(name)}/weeks/${w}`;

  /** Every item of a group-week's change list, following `next` links with a small page size. */
  async function allChanges(kind: string, name: string, token = tokens.viewer, query = "") {
    const items: Record<string, unknown>[] = [];
    let path: string | null = `${groupWeek(kind, name)}/changes?limit=7${query}`;
    let pages = 0;
    while (path !== null) {
      const page = await get(path, token);
      expect(page.status, page.text).toBe(200);
      items.push(...page.json.items);
      path = page.json.next;
      pages += 1;
    }
    return { items, pages };
  }

  beforeAll(async () => {
    t = await createTestDatabase({ backend });
    sim = await startSimulator({
      world,
      tokens: [TOKEN],
      seed: 3,
      now: () => now.getTime(),
      oauthApps: [{ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret }],
    });
    const deps = createPipelineDeps({
      db: t.db,
      github: createGitHubClient({
        baseUrl: sim.url,
        auth: { type: "token", token: TOKEN },
        logger: silent,
        throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
      }),
      config,
      now: () => now,
    });
    const summary = await runSyncInline(deps, silent, { runId: "api-1" });
    expect(summary.failed).toEqual([]);
    tokens.viewer = (await createApiToken(t.db, { name: "viewer", role: "viewer" })).token;
    tokens.lead = (await createApiToken(t.db, { name: "lead", role: "lead", team: "payments" })).token;
    tokens.admin = (await createApiToken(t.db, { name: "admin", role: "admin" })).token;
    personIds = (await listPeople(t.db)).map((p) => p.id);
    logins = world.orgMembers("acme").map((m) => m.login);
    api = await startApiServer({ logger: silent, read: { db: t.db, config }, checkResponses: true });
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    await sim?.close();
    await t?.drop();
  });

  describe("the read API", () => {
    it("needs a token on every /api/v1 route but the OpenAPI document, which lists every route", async () => {
      for (const path of ["/api/v1/groups", `/api/v1/metrics?from=${day(week)}&to=${day(week)}`, "/api/v1/status"]) {
        const none = await get(path, null);
        expect(none.status).toBe(401);
        expect(none.headers.get("content-type")).toMatch(/application\/problem\+json/);
        expect(none.headers.get("www-authenticate")).toMatch(/Bearer/);
        expect((await get(path, "ys_notatokenatall_notatokenatall_notatokenat")).status).toBe(401);
      }
      const doc = await get("/api/v1/openapi.json", null);
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe("3.1.0");
      expect(Object.keys(doc.json.paths).sort()).toEqual([
        "/api/v1/admin/people",
        "/api/v1/admin/tokens",
        "/api/v1/admin/tokens/{name}",
        "/api/v1/adoption",
        "/api/v1/changes/{id}",
        "/api/v1/deployments/{id}",
        "/api/v1/groups",
        "/api/v1/groups/{kind}/{name}/weeks/{week}",
        "/api/v1/groups/{kind}/{name}/weeks/{week}/changes",
        "/api/v1/groups/{kind}/{name}/weeks/{week}/changes/summary",
        "/api/v1/groups/{kind}/{name}/weeks/{week}/deployments",
        "/api/v1/groups/{kind}/{name}/weeks/{week}/lead-time-test",
        "/api/v1/me",
        "/api/v1/metrics",
        "/api/v1/status",
      ]);
      expect((await get("/healthz", null)).status).toBe(200);
    });

    it("serves /metrics as a full recompute of the same arguments gives it; named flag lists only to admins", async () => {
      const from = addWeeks(week, -5);
      const res = await get(`/api/v1/metrics?from=${day(from)}&to=${day(week)}`);
      expect(res.status, res.text).toBe(200);
      const full = computeMetrics(await loadMetricsInput(t.db, config), { from, to: week, now });
      expect(res.json).toEqual(JSON.parse(JSON.stringify(full)));
      const teams = await get(`/api/v1/metrics?from=${day(from)}&to=${day(week)}&group=team`);
      expect(teams.json).toEqual(
        JSON.parse(
          JSON.stringify(
            computeMetrics(await loadMetricsInput(t.db, config), { from, to: week, now, kinds: ["team"] }),
          ),
        ),
      );
      const admin = await get(`/api/v1/metrics?from=${day(from)}&to=${day(week)}`, tokens.admin);
      const fullAdmin = computeMetrics(await loadMetricsInput(t.db, config), {
        from,
        to: week,
        now,
        viewerIsAdmin: true,
      });
      expect(admin.json).toEqual(JSON.parse(JSON.stringify(fullAdmin)));
      const org = (res.json as MetricsOutput).groups[0]?.weeks.at(-1) as WeekFigures;
      expect(org.flags.named).toBeNull();
      expect(res.headers.get("x-yardstick-computed-at")).toBe(now.toISOString());
    });

    it("drills down from the organisation's week to its changes: they add up to every outcome figure", async () => {
      const gw = await get(groupWeek("org", "acme"));
      expect(gw.status, gw.text).toBe(200);
      const f = gw.json.figures as WeekFigures;
      expect(f.qualifyingChanges).toBeGreaterThan(10);
      const { items, pages } = await allChanges("org", "acme");
      expect(pages).toBeGreaterThan(2);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length); // no repeats across pages
      expect(items.length).toBe(f.deployedChanges);
      expect(items.filter((i) => i.qualifying).length).toBe(f.qualifyingChanges);
      expect(items.filter((i) => i.qualifying && (i.ai as { assisted: boolean }).assisted).length).toBe(
        f.aiQualifyingChanges,
      );
      expect(items.filter((i) => i.counted).length / (f.activeEngineers ?? 0)).toBeCloseTo(f.nd ?? Number.NaN, 12);
      expect(items.filter((i) => i.countedAi).length / (f.activeEngineers ?? 0)).toBeCloseTo(f.aind ?? Number.NaN, 12);
      for (const i of items) {
        expect(i.qualifying).toBe((i.exclusions as string[]).length === 0);
        expect(i.author).toBeNull();
      }
      // Filters: the qualifying AI-assisted ones only.
      const ai = await allChanges("org", "acme", tokens.viewer, "&qualifying=true&ai=true");
      expect(ai.items.length).toBe(f.aiQualifyingChanges);
      // Deployments: change failure rate from the listed deployments.
      const deployments = await get(`${groupWeek("org", "acme")}/deployments`);
      expect(deployments.json.items.length).toBe(f.deployments);
      const failed = deployments.json.items.filter((d: { failed: boolean }) => d.failed).length;
      expect(f.deployments === 0 ? null : failed / (f.deployments ?? 1)).toBe(f.changeFailureRate);
      // The guardrails' counts, AI-assisted and other: what the listed changes and deployments give.
      type Item = { ai: { assisted: boolean }; exclusions: string[]; leadTimeHours: number | null };
      type Deployment = { shipsAi: boolean; failed: boolean; recoveryHours: number | null };
      for (const [side, ai] of [
        ["ai", true],
        ["other", false],
      ] as const) {
        const split = f.guardrails?.[side];
        const mine = (items as Item[]).filter((i) => i.ai.assisted === ai);
        const shipped = (deployments.json.items as Deployment[]).filter((d) => d.shipsAi === ai);
        expect(split).toMatchObject({
          changes: mine.length,
          revertedChanges: mine.filter((i) => i.exclusions.includes("reverted")).length,
          leadTimeSamples: mine.filter((i) => i.leadTimeHours !== null).length,
          deployments: shipped.length,
          failedDeployments: shipped.filter((d) => d.failed).length,
          recoverySamples: shipped.filter((d) => d.recoveryHours !== null).length,
        });
        // The lead-time median's 95% interval: the listed lead times' order statistics.
        const leadTimes = mine.flatMap((i) => (i.leadTimeHours === null ? [] : [i.leadTimeHours]));
        expect(split?.leadTimeMedianInterval).toEqual(medianIntervalOfSorted(sortedValues(leadTimes)));
      }
      // The lead-time test: the two-sided Mann-Whitney U test of the same lead times, AI-assisted against other.
      const leadTimesOf = (ai: boolean) =>
        (items as Item[]).flatMap((i) => (i.ai.assisted === ai && i.leadTimeHours !== null ? [i.leadTimeHours] : []));
      const test = await get(`${groupWeek("org", "acme")}/lead-time-test`);
      expect(test.status, test.text).toBe(200);
      const want = mannWhitneyTwoSided(leadTimesOf(true), leadTimesOf(false));
      expect(test.json).toMatchObject({
        ai: f.guardrails?.ai.leadTimeSamples,
        other: f.guardrails?.other.leadTimeSamples,
      });
      expect(want).not.toBeNull();
      expect(test.json.test.pValue).toBeCloseTo(want?.pValue as number, 12);
      expect(test.json.test).toMatchObject({
        u: want?.u,
        method: want?.method,
        significant: (want?.pValue as number) < 0.05,
      });
    });

    it("reads a group-week stored before the guardrail counts existed: the rates, without the counts, no error", async () => {
      const where = sql`group_kind = 'org' and group_name = 'acme' and week = ${week}`;
      const strip = (side: string) =>
        sql.raw(
          `'{guardrails,${side}}', (figures #> '{guardrails,${side}}') - 'failedDeployments' - 'changes' - 'revertedChanges' - 'leadTimeSamples' - 'recoverySamples'`,
        );
      const before = (await get(groupWeek("org", "acme"))).json.figures as WeekFigures;
      const stored = (await getRollupRow(t.db, { groupKind: "org", groupName: "acme", week }))?.figures;
      expect(stored).toBeDefined();
      await t.db.execute(
        sql`update weekly_rollups set figures = jsonb_set(jsonb_set(figures, ${strip("ai")}), ${strip("other")}) where ${where}`,
      );
      try {
        const gw = await get(groupWeek("org", "acme"));
        expect(gw.status, gw.text).toBe(200); // the response is checked against its schema
        const f = gw.json.figures as WeekFigures;
        expect(f.guardrails?.ai.changeFailureRate).toBe(before.guardrails?.ai.changeFailureRate);
        expect(f.guardrails?.ai.revertRate).toBe(before.guardrails?.ai.revertRate);
        expect(f.guardrails?.ai.changes).toBeUndefined();
        expect(f.guardrails?.other.revertedChanges).toBeUndefined();
        // A range no earlier test asked for (answers are kept per rollup run, which this edit is not).
        const m = await get(`/api/v1/metrics?from=${day(addWeeks(week, -2))}&to=${day(week)}&group=org&name=acme`);
        expect(m.status, m.text).toBe(200);
        const last = (m.json as MetricsOutput).groups[0]?.weeks.at(-1);
        expect(last?.guardrails?.other.revertRate).toBe(before.guardrails?.other.revertRate);
        expect(last?.guardrails?.other.changes).toBeUndefined();
      } finally {
        await t.db.execute(sql`update weekly_rollups set figures = ${JSON.stringify(stored)}::jsonb where ${where}`);
      }
    });

    it("sums a group-week's change list without listing it: /changes/summary agrees with every page of it, under each filter", async () => {
      for (const [kind, name] of [
        ["org", "acme"],
        ["team", "payments"],
      ] as const) {
        const f = (await get(groupWeek(kind, name))).json.figures as WeekFigures;
        for (const query of ["", "&qualifying=true&ai=true", "&qualifying=true", "&qualifying=false", "&ai=false"]) {
          const { items } = await allChanges(kind, name, tokens.viewer, query);
          const summary = await get(`${groupWeek(kind, name)}/changes/summary?${query.slice(1)}`);
          expect(summary.status, summary.text).toBe(200);
          expect(summary.json, `${kind} ${name} ${query}`).toEqual({
            listed: items.length,
            counted: items.filter((i) => i.counted).length,
            countedAi: items.filter((i) => i.countedAi).length,
            activeEngineers: f.activeEngineers,
            nd: f.nd,
            aind: f.aind,
          });
        }
        // What the dashboard's sum line says: the qualifying AI-assisted changes add up to AIND.
        const ai = (await get(`${groupWeek(kind, name)}/changes/summary?qualifying=true&ai=true`)).json;
        expect(ai.listed).toBe(f.aiQualifyingChanges);
        expect(ai.countedAi / (f.activeEngineers ?? 0)).toBeCloseTo(f.aind ?? Number.NaN, 12);
        const all = (await get(`${groupWeek(kind, name)}/changes/summary`)).json;
        expect(all.listed).toBe(f.deployedChanges);
        expect(all.counted / (f.activeEngineers ?? 0)).toBeCloseTo(f.nd ?? Number.NaN, 12);
      }
      const bad = await get(`${groupWeek("org", "acme")}/changes/summary?ai=maybe`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json.errors)).toMatch(/ai/);
      expect((await get(`${groupWeek("org", "acme")}/changes/summary`, null)).status).toBe(401);
    });

    it("opens one AI-assisted change with every piece of evidence, and one deployment with what it shipped", async () => {
      const { items } = await allChanges("org", "acme", tokens.viewer, "&qualifying=true&ai=true");
      const item = items[0] as { id: string; deploymentId: string; url: string };
      const change = await get(`/api/v1/changes/${encodeURIComponent(item.id)}`);
      expect(change.status, change.text).toBe(200);
      expect(change.json.ai.assisted).toBe(true);
      expect(change.json.ai.tool).not.toBeNull();
      expect(change.json.ai.evidence.length).toBeGreaterThan(0);
      expect(change.json.url).toMatch(/^https:\/\/github\.com\/acme\/.+\/pull\/\d+$/);
      expect(change.json.groupWeeks).toContainEqual(expect.objectContaining({ kind: "org", name: "acme", week }));
      const deployment = await get(`/api/v1/deployments/${encodeURIComponent(item.deploymentId)}`);
      expect(deployment.status, deployment.text).toBe(200);
      expect(deployment.json.shipped).toContain(item.id);
      expect((await get("/api/v1/changes/acme%2Fnope%23999999")).status).toBe(404);
    });

    it("answers unchanged reads with 304 to If-None-Match, and sets Cache-Control and a request id", async () => {
      const first = await get(groupWeek("org", "acme"));
      const etag = first.headers.get("etag");
      expect(etag).toBeTruthy();
      expect(first.headers.get("cache-control")).toBe("private, max-age=60");
      expect(first.headers.get("x-request-id")).toBeTruthy();
      const again = await get(groupWeek("org", "acme"), tokens.viewer, { "if-none-match": etag as string });
      expect(again.status).toBe(304);
      const mine = await get(groupWeek("org", "acme"), tokens.viewer, { "x-request-id": "trace-123" });
      expect(mine.headers.get("x-request-id")).toBe("trace-123");
    });

    it("says what each answer cost on the server (Server-Timing): its parts in the order they ran, then the total", async () => {
      const parts = (res: { headers: Headers }) =>
        (res.headers.get("server-timing") ?? "").split(", ").map((p) => {
          const m = /^([a-z-]+);dur=(\d+\.\d)$/.exec(p);
          expect(m, p).not.toBeNull();
          return { name: m?.[1], ms: Number(m?.[2]) };
        });
      const summary = await get(`${groupWeek("org", "acme")}/changes/summary?qualifying=true&ai=true`);
      expect(summary.status).toBe(200);
      expect(parts(summary).map((p) => p.name)).toEqual(["auth", "row", "count", "total"]);
      const page = await get(`${groupWeek("org", "acme")}/changes?limit=5`);
      expect(parts(page).map((p) => p.name)).toEqual(["auth", "row", "page", "total"]);
      const figures = parts(await get(groupWeek("org", "acme")));
      expect(figures.map((p) => p.name)).toEqual(["auth", "row", "freshness", "total"]);
      // The total covers its parts.
      const total = figures.at(-1)?.ms ?? 0;
      expect(figures.slice(0, -1).reduce((sum, p) => sum + p.ms, 0)).toBeLessThanOrEqual(total + 0.3);
      // A refused request says so too (authentication only), and the unauthenticated routes carry none.
      const refused = await get(groupWeek("org", "acme"), null);
      expect(refused.status).toBe(401);
      expect(parts(refused).map((p) => p.name)).toEqual(["auth", "total"]);
      expect((await get("/healthz", null)).headers.get("server-timing")).toBeNull();
    });

    it("prepares a rollup run's common /metrics answers before anyone asks, the same bytes a read gives", async () => {
      const prepared: { answers: number }[] = [];
      const preparing = await startApiServer({
        logger: silent,
        read: { db: t.db, config, metricsPrepareEveryMs: 60_000, onMetricsPrepared: (e) => prepared.push(e) },
      });
      const reading = await startApiServer({ logger: silent, read: { db: t.db, config, metricsCacheBytes: 0 } });
      try {
        const stamp = await readRollupStamp(t.db);
        expect(stamp).not.toBeNull();
        const asks = preparedAsks(stamp as RollupStamp, config.timeZone);
        await expect.poll(() => prepared.length, { timeout: 60_000 }).toBe(1);
        expect(prepared[0]?.answers).toBe(asks.length);
        for (const ask of asks.filter((a) => a.group === "team")) {
          const path = `/api/v1/metrics?from=${day(ask.from)}&to=${day(ask.to)}&group=${ask.group}`;
          const auth = { authorization: `Bearer ${ask.admin ? tokens.admin : tokens.viewer}` };
          const kept = await fetch(`${preparing.url}${path}`, { headers: auth });
          const read = await fetch(`${reading.url}${path}`, { headers: auth });
          expect(kept.headers.get("x-cache")).toBe("hit");
          expect(read.headers.get("x-cache")).toBe("miss");
          expect(kept.headers.get("etag")).toBe(read.headers.get("etag"));
          expect(await kept.text()).toBe(await read.text());
        }
        // A question nobody prepared is read once, then kept.
        const odd = `/api/v1/metrics?from=${day(addWeeks(week, -2))}&to=${day(week)}&group=repo`;
        const auth = { authorization: `Bearer ${tokens.viewer}` };
        expect((await fetch(`${preparing.url}${odd}`, { headers: auth })).headers.get("x-cache")).toBe("miss");
        expect((await fetch(`${preparing.url}${odd}`, { headers: auth })).headers.get("x-cache")).toBe("hit");
      } finally {
        await preparing.close();
        await reading.close();
      }
    });

    it("names authors to admins everywhere, to a lead in their own team's weeks only, to viewers nowhere", async () => {
      const admin = await allChanges("team", "payments", tokens.admin);
      expect(admin.items.length).toBeGreaterThan(0);
      expect(admin.items.every((i) => i.author !== null)).toBe(true);
      const lead = await allChanges("team", "payments", tokens.lead);
      expect(
        lead.items.every(
          (i) => (i.author as { login: string | null } | null)?.login !== undefined && i.author !== null,
        ),
      ).toBe(true);
      const leadElsewhere = await allChanges("team", "search", tokens.lead);
      expect(leadElsewhere.items.every((i) => i.author === null)).toBe(true);
      const leadOrg = await allChanges("org", "acme", tokens.lead);
      expect(leadOrg.items.every((i) => i.author === null)).toBe(true);
    });

    it("never lets a viewer reach a suppressed group's figures or a person's name, through any route", async () => {
      // "platform" (4 people) is suppressed every week: its figures are null, its drill-down is closed.
      const gw = await get(groupWeek("team", "platform"));
      expect(gw.status).toBe(200);
      expect(gw.json.figures.suppressed).toBe(true);
      expect(gw.json.figures.nd).toBeNull();
      expect(gw.json.figures.activeEngineers).toBeNull();
      expect(gw.json.links).toEqual({ changes: null, deployments: null });
      for (const path of [
        `${groupWeek("team", "platform")}/changes`,
        `${groupWeek("team", "platform")}/changes/summary`,
        `${groupWeek("team", "platform")}/deployments`,
        `${groupWeek("team", "platform")}/lead-time-test`,
      ]) {
        for (const token of [tokens.viewer, tokens.lead, tokens.admin]) {
          const res = await get(path, token);
          expect(res.status).toBe(404);
          expect(res.headers.get("content-type")).toMatch(/problem\+json/);
        }
      }
      // Filtering the metrics down to it gives the suppressed (null) figures, nothing more.
      const m = await get(`/api/v1/metrics?from=${day(addWeeks(week, -3))}&to=${day(week)}&group=team&name=platform`);
      expect(m.json.groups).toHaveLength(1);
      expect(
        m.json.groups[0].weeks.every((w: WeekFigures) => w.suppressed && w.nd === null && w.rosterSize === null),
      ).toBe(true);
      // Small repositories and the folded "other" are suppressed the same way.
      const repoMetrics = await get(`/api/v1/metrics?from=${day(week)}&to=${day(week)}&group=repo`);
      for (const g of repoMetrics.json.groups) {
        const w = g.weeks[0] as WeekFigures;
        if (w.suppressed) expect((await get(`${groupWeek("repo", g.name)}/changes`)).status).toBe(404);
        else expect(w.rosterSize).toBeGreaterThanOrEqual(config.thresholds.minGroupSize);
      }
      // No person id or login appears in anything a viewer can read.
      const { items } = await allChanges("org", "acme");
      const bodies = [
        (await get(`/api/v1/metrics?from=${day(addWeeks(week, -5))}&to=${day(week)}`)).text,
        (await get("/api/v1/groups")).text,
        (await get(groupWeek("org", "acme"))).text,
        (await get("/api/v1/adoption?group=team")).text,
        (await get("/api/v1/status")).text,
        await (
          await fetch(`${api.url}/api/v1/admin/people`, {
            method: "POST",
            headers: { authorization: `Bearer ${tokens.viewer}`, "content-type": "application/json" },
            body: JSON.stringify({ ids: personIds }),
          })
        ).text(),
        JSON.stringify(items),
        ...(await Promise.all(
          items
            .slice(0, 10)
            .map(async (i) => (await get(`/api/v1/changes/${encodeURIComponent(i.id as string)}`)).text),
        )),
      ].join("\n");
      const stored = await t.db.selectDistinct({ login: changesTable.creditedLogin }).from(changesTable);
      const names = new Set([
        ...personIds,
        ...logins,
        ...stored.map((s) => s.login).filter((l): l is string => l !== null),
      ]);
      expect(names.size).toBeGreaterThan(10);
      // Not as a value, and not inside any text (evidence, branch names, titles).
      for (const name of names) expect(bodies.includes(name), `${name} shown to a viewer`).toBe(false);
    });

    it("names the integrity flags' flagged people to admins by their roster login, in one answer; other roles get 403", async () => {
      const post = async (token: string, body: unknown, origin?: string) => {
        const res = await fetch(`${api.url}/api/v1/admin/people`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            ...(origin === undefined ? {} : { origin }),
          },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, text, json: text === "" ? null : JSON.parse(text) };
      };
      // The ids the admin page asks about: every named list of every team, over the weeks shown.
      const m = await get(`/api/v1/metrics?from=${day(addWeeks(week, -5))}&to=${day(week)}&group=team`, tokens.admin);
      const flagged = [
        ...new Set(
          (m.json as MetricsOutput).groups.flatMap((g) =>
            g.weeks.flatMap((w) => Object.values(w.flags.named ?? {}).flat() as string[]),
          ),
        ),
      ].sort();
      expect(flagged.length).toBeGreaterThan(0);
      const roster = new Map((await listPeople(t.db)).map((p) => [p.id, p]));
      const gone = "github:999999999";
      const asked = [...flagged, gone, flagged[0] as string];
      const res = await post(tokens.admin, { ids: asked });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.json.items.map((i: { id: string }) => i.id)).toEqual([...flagged, gone]);
      for (const item of res.json.items.slice(0, -1)) {
        const person = roster.get(item.id);
        expect(item.inRoster).toBe(true);
        // The roster's current login (GitHub logins are case-insensitive; the roster stores them lowercase).
        expect(item.login?.toLowerCase()).toBe(person?.logins[0]);
        expect(logins.map((l) => l.toLowerCase())).toContain(item.login?.toLowerCase());
      }
      expect(res.json.items.at(-1)).toEqual({ id: gone, inRoster: false, login: null, displayName: null });
      // Viewers and leads: refused, with no name in the answer; another site cannot ask for an admin.
      for (const token of [tokens.viewer, tokens.lead]) {
        const refused = await post(token, { ids: flagged });
        expect(refused.status).toBe(403);
        for (const login of logins) expect(refused.text.includes(login)).toBe(false);
      }
      expect((await post(tokens.admin, { ids: flagged }, "https://evil.test")).status).toBe(403);
      expect((await post(tokens.admin, { ids: "github:1" })).status).toBe(400);
      // Hostile ids: a NUL (PostgreSQL text cannot hold one) and an over-long id, refused naming the field.
      for (const bad of ["github:1\u0000x", "x".repeat(201)]) {
        const refusedId = await post(tokens.admin, { ids: ["github:1", bad] });
        expect(refusedId.status, refusedId.text).toBe(400);
        expect(refusedId.json.errors.map((i: { path: string }) => i.path)).toEqual(["body.ids.1"]);
      }
    });

    it("tracks adoption against the target with a projection, and reports status and freshness", async () => {
      const res = await get("/api/v1/adoption?group=team");
      expect(res.status, res.text).toBe(200);
      expect(res.json.groups.map((g: { name: string }) => g.name)).toEqual(
        ["other", "payments", "platform", "search"].filter((n) =>
          res.json.groups.some((g: { name: string }) => g.name === n),
        ),
      );
      const payments = res.json.groups.find((g: { name: string }) => g.name === "payments");
      expect(payments.series.length).toBe(12);
      expect(payments.target).toBe(0.8);
      expect(["reached", "projected", "not-at-this-trend", "unknown"]).toContain(payments.projection.status);
      expect(payments.basis).toBe("week");
      // A repository is not a team: no target unless configured, so no projection either.
      const repos = await get("/api/v1/adoption?group=repo");
      expect(repos.status, repos.text).toBe(200);
      for (const g of repos.json.groups) {
        expect(g.target).toBeNull();
        expect(g.projection).toEqual({ status: "unknown", reason: "no target" });
      }
      const status = await get("/api/v1/status");
      expect(status.status, status.text).toBe(200);
      expect(status.json.rollups.computedAt).toBe(now.toISOString());
      expect(status.json.repositories.length).toBe(world.repos().length);
      expect(status.json.provisionalWeeks).toContain(week);
      expect(status.json.queues).toBeNull();
      expect(status.json.quarantinedRecords).toBe(0);
      // The roster as the last discovery read it: GitHub teams here, so no data-file login left out.
      expect(status.json.rosters).toEqual(
        world.orgs().map((o) => expect.objectContaining({ org: o.login, status: "done", leftOut: 0 })),
      );
      expect(status.json.webhooksOutOfScope).toBeNull();
    });

    it.runIf(backend === "postgres")(
      "shows in /status the GitHub budget the workers last saw, per credential (shared through Redis), never the token",
      async () => {
        const token = `ghp_status_${randomBytes(6).toString("hex")}`;
        const budgetSim = await startSimulator({ world, tokens: [token], seed: 4, now: () => now.getTime() });
        const redis = createGitHubRedis(REDIS_URL, silent);
        const worker = createGitHubClient({
          baseUrl: budgetSim.url,
          auth: { type: "token", token },
          logger: silent,
          throttle: { graphqlMinTimeMs: 0, redis },
        });
        const reader = githubBudgetReader(
          REDIS_URL,
          [{ auth: { type: "token", token }, label: "GITHUB_TOKEN" }],
          silent,
        );
        const withBudget = await startApiServer({
          logger: silent,
          read: { db: t.db, config, rateBudget: reader.read },
          checkResponses: true,
        });
        try {
          // A worker's request: the budget its response showed is published for every process.
          const { rateLimit } = await worker.graphql<unknown>(
            "query { viewer { login } rateLimit { cost remaining resetAt limit } }",
          );
          let shown: { credential: string; resources: { resource: string; remaining: number }[] }[] = [];
          for (let i = 0; i < 50 && (shown[0]?.resources.length ?? 0) === 0; i++) {
            const res = await fetch(`${withBudget.url}/api/v1/status`, {
              headers: { authorization: `Bearer ${tokens.viewer}` },
            });
            expect(res.status).toBe(200);
            const text = await res.text();
            expect(text.includes(token)).toBe(false);
            shown = JSON.parse(text).rateBudget;
            if ((shown[0]?.resources.length ?? 0) === 0) await new Promise((r) => setTimeout(r, 20));
          }
          expect(shown).toHaveLength(1);
          expect(shown[0]?.resources).toEqual([
            expect.objectContaining({ resource: "graphql", remaining: rateLimit?.remaining }),
          ]);
          // Without Redis sharing, the budget is unknown: null (the main server here).
          expect((await get("/api/v1/status")).json.rateBudget).toBeNull();
        } finally {
          await withBudget.close();
          reader.close();
          await worker.close();
          await redis.quit();
          await budgetSim.close();
        }
      },
    );

    it("gives in /status the attribution coverage of the organisation's weeks: changes with any signal, AI-assisted, unknown identities", async () => {
      const status = await get("/api/v1/status");
      expect(status.status, status.text).toBe(200);
      const weeks = status.json.attribution.weeks as {
        week: string;
        changes: number;
        withSignal: number;
        aiAssisted: number;
        withoutPerson: number;
        signalShare: number | null;
      }[];
      expect(weeks.length).toBeGreaterThan(0);
      expect(weeks.length).toBeLessThanOrEqual(4);
      expect(weeks.map((w) => w.week)).toEqual([...weeks.map((w) => w.week)].sort());
      const w = weeks.find((x) => x.week === week);
      expect(w).toBeDefined();
      // The same changes the organisation's week lists, each with its verdict's evidence.
      const { items } = await allChanges("org", "acme", tokens.admin);
      expect(w?.changes).toBe(items.length);
      const ai = (c: Record<string, unknown>) => c.ai as { assisted: boolean; evidence: unknown[] };
      expect(w?.withSignal).toBe(items.filter((c) => ai(c).evidence.length > 0).length);
      expect(w?.aiAssisted).toBe(items.filter((c) => ai(c).assisted).length);
      expect(w?.withoutPerson).toBe(
        items.filter((c) => (c.author as { personId: string | null }).personId === null).length,
      );
      expect(w?.aiAssisted).toBeGreaterThan(0);
      expect(w?.withSignal).toBeGreaterThanOrEqual(w?.aiAssisted ?? 0);
      expect(w?.signalShare).toBeCloseTo((w?.withSignal ?? 0) / (w?.changes ?? 1), 12);
      expect(w?.withoutPerson).toBeGreaterThanOrEqual(0);
      // Jobs run inline here: no failed-job list.
      expect(status.json.failedJobs).toBeNull();
    });

    it.runIf(backend === "postgres")(
      "lists in /status the jobs that failed for good, newest first, with the reason for administrators only",
      async () => {
        const catalog = {
          "sync.repository": defineJob({
            queue: "sync",
            payload: z.object({ repo: z.string() }),
            options: { attempts: 1, backoff: { type: "fixed", delay: 10 } },
            jobId: (p) => `sync-${p.repo}`,
          }),
        };
        const runner = new BullMqRunner({
          catalog,
          processors: {
            "sync.repository": async (p) => {
              throw new AppError("github.not_found", `GET /users/${logins[0]} for ${p.repo}: 404`, {
                retryable: false,
              });
            },
          },
          deps: {},
          logger: silent,
          redisUrl: REDIS_URL,
          prefix: `ystest-status-${randomBytes(4).toString("hex")}`,
        });
        const withQueues = await startApiServer({
          logger: silent,
          read: {
            db: t.db,
            config,
            queues: () => runner.depths(),
            failedJobs: (limit) => runner.recentFailures(limit),
          },
          checkResponses: true,
        });
        try {
          await runner.enqueue("sync.repository", { repo: "acme/one" });
          await runner.enqueue("sync.repository", { repo: "acme/two" });
          runner.start();
          await runner.waitUntilIdle(20_000);
          const as = async (token: string) => {
            const res = await fetch(`${withQueues.url}/api/v1/status`, {
              headers: { authorization: `Bearer ${token}` },
            });
            expect(res.status).toBe(200);
            return JSON.parse(await res.text());
          };
          const admin = await as(tokens.admin);
          expect(admin.queues).toEqual([{ name: "sync", waiting: 0, active: 0, delayed: 0, failed: 2 }]);
          expect(admin.failedJobs).toHaveLength(2);
          expect(new Set(admin.failedJobs.map((j: { jobId: string }) => j.jobId))).toEqual(
            new Set(["sync-acme/one", "sync-acme/two"]),
          );
          const times = admin.failedJobs.map((j: { failedAt: string }) => j.failedAt);
          expect(times).toEqual([...times].sort().reverse());
          for (const j of admin.failedJobs) {
            expect(j).toMatchObject({ queue: "sync", name: "sync.repository", attempts: 1 });
            expect(j.reason).toMatch(/404/);
          }
          // A reason may quote a login: other roles get the job and its time, not the reason.
          const viewer = await as(tokens.viewer);
          expect(viewer.failedJobs).toHaveLength(2);
          for (const j of viewer.failedJobs) expect(j.reason).toBeNull();
          expect(JSON.stringify(viewer).includes(logins[0] as string)).toBe(false);
        } finally {
          await withQueues.close();
          await runner.obliterate();
          await runner.close();
        }
      },
    );

    it("lets administrators list, create (the value shown once) and revoke tokens; every other role gets 403", async () => {
      const send = async (method: string, path: string, token: string, body?: unknown, origin?: string) => {
        const res = await fetch(`${api.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(origin === undefined ? {} : { origin }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, text, json: text === "" ? null : JSON.parse(text) };
      };
      const name = `grafana-${backend}`;
      for (const token of [tokens.viewer, tokens.lead]) {
        expect((await send("GET", "/api/v1/admin/tokens", token)).status).toBe(403);
        expect((await send("POST", "/api/v1/admin/tokens", token, { name, role: "viewer" })).status).toBe(403);
        expect((await send("DELETE", "/api/v1/admin/tokens/viewer", token)).status).toBe(403);
      }
      const created = await send("POST", "/api/v1/admin/tokens", tokens.admin, { name, role: "viewer" });
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get("cache-control")).toBe("no-store");
      const value = created.json.token as string;
      expect(value).toMatch(/^ys_[A-Za-z0-9_-]{43}$/);
      expect(created.json.item).toMatchObject({ name, kind: "token", role: "viewer", prefix: value.slice(0, 8) });
      // It works, as what it was made for.
      const me = await get("/api/v1/me", value);
      expect(me.json).toMatchObject({ name, role: "viewer" });
      // Listed, never with its value (nor any token's hash).
      const list = await send("GET", "/api/v1/admin/tokens", tokens.admin);
      expect(list.status).toBe(200);
      expect(list.headers.get("cache-control")).toBe("no-store");
      expect(list.text.includes(value)).toBe(false);
      expect(list.text).not.toMatch(/[0-9a-f]{64}/);
      const names = list.json.items.map((i: { name: string }) => i.name);
      expect(names).toEqual([...names].sort());
      expect(list.json.items.find((i: { name: string }) => i.name === name)).toMatchObject({ revokedAt: null });
      // Bad input names the field; a name taken says so; a lead needs a team.
      const bad = await send("POST", "/api/v1/admin/tokens", tokens.admin, { name: "no spaces", role: "viewer" });
      expect(bad.status).toBe(400);
      expect(bad.json.errors[0].path).toBe("name");
      expect((await send("POST", "/api/v1/admin/tokens", tokens.admin, { name, role: "viewer" })).status).toBe(400);
      const lead = await send("POST", "/api/v1/admin/tokens", tokens.admin, { name: `${name}-lead`, role: "lead" });
      expect(lead.json.errors[0].path).toBe("team");
      // Another site cannot make an admin's browser manage tokens.
      const foreign = await send(
        "DELETE",
        `/api/v1/admin/tokens/${name}`,
        tokens.admin,
        undefined,
        "https://evil.test",
      );
      expect(foreign.status).toBe(403);
      // Revoked: it stops working (within the token cache's time), and a second revoke is 404.
      expect((await send("DELETE", `/api/v1/admin/tokens/${name}`, tokens.admin)).status).toBe(204);
      expect((await send("DELETE", `/api/v1/admin/tokens/${name}`, tokens.admin)).status).toBe(404);
      await new Promise((r) => setTimeout(r, TOKEN_CACHE_MS + 100));
      expect((await get("/api/v1/me", value)).status).toBe(401);
      const after = await send("GET", "/api/v1/admin/tokens", tokens.admin);
      expect(after.json.items.find((i: { name: string }) => i.name === name).revokedAt).not.toBeNull();
    });

    it("answers bad input with problem+json naming the field", async () => {
      const bad = await get("/api/v1/metrics?from=2026-13-45&to=2026-11-01");
      expect(bad.status).toBe(400);
      expect(bad.json.errors[0].path).toBe("from");
      const missing = await get("/api/v1/metrics?to=2026-11-01");
      expect(missing.status).toBe(400);
      expect(JSON.stringify(missing.json.errors)).toMatch(/from/);
      const kind = await get("/api/v1/groups/person/alice/weeks/2026-W40");
      expect(kind.status).toBe(400);
      const cursor = await get(`${groupWeek("org", "acme")}/changes?cursor=nonsense`);
      expect(cursor.status).toBe(400);
      expect(cursor.json.errors[0].path).toBe("cursor");
      const outside = await get("/api/v1/metrics?from=2020-01-01&to=2020-02-01");
      expect(outside.status).toBe(404);
      expect(outside.json.type).toMatch(/not_rolled_up/);
      expect((await get("/api/v1/nothing-here")).status).toBe(404);
    });
    it.runIf(backend === "postgres")(
      "serves exactly what `yardstick metrics --format json` prints; tokens are created, listed without values, and revoked from the CLI",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "ys-api-"));
        const file = join(dir, "yardstick.config.json");
        writeFileSync(file, JSON.stringify(config));
        const env = { DATABASE_URL: t.url, LOG_LEVEL: "silent" };
        // Weeks before the last ones: the weeks provisional at the world's clock are not among them.
        const args = ["--from", day(addWeeks(week, -8)), "--to", day(addWeeks(week, -6)), "--config", file];
        // The CLI brings the rollups up to date (its clock is today's), then prints; the API serves the same.
        const cli = await runCliProcess(["metrics", ...args], { env });
        expect(cli.code, cli.stderr).toBe(0);
        const res = await get(`/api/v1/metrics?from=${day(addWeeks(week, -8))}&to=${day(addWeeks(week, -6))}`);
        expect(res.json).toEqual(JSON.parse(cli.stdout));
        // The CLI asked for 3 weeks at today's clock; every week the rollups cover was brought up to
        // date with it (weeks no longer provisional included), not only those 3.
        const status = await get("/api/v1/status");
        const cliNow = new Date(status.json.rollups.computedAt);
        expect(cliNow.getTime()).toBeGreaterThan(now.getTime());
        const wide = await get(`/api/v1/metrics?from=${day(addWeeks(week, -8))}&to=${day(week)}`);
        const full = computeMetrics(await loadMetricsInput(t.db, config), {
          from: addWeeks(week, -8),
          to: week,
          now: cliNow,
        });
        expect(wide.json).toEqual(JSON.parse(JSON.stringify(full)));

        const created = await runCliProcess(
          ["token", "create", "--name", "grafana", "--role", "viewer", "--config", file],
          { env },
        );
        expect(created.code, created.stderr).toBe(0);
        const token = created.stdout.trim();
        expect(token).toMatch(/^ys_[A-Za-z0-9_-]{43}$/);
        expect((await get("/api/v1/groups", token)).status).toBe(200);
        const list = await runCliProcess(["token", "list", "--config", file], { env });
        expect(list.stdout).toMatch(/^grafana\tviewer\t/m);
        expect(list.stdout.includes(token)).toBe(false);
        const again = await runCliProcess(["token", "create", "--name", "grafana", "--config", file], { env });
        expect(again.code).toBe(2);
        expect(again.stderr).toMatch(/--name/);
        const revoked = await runCliProcess(["token", "revoke", "grafana", "--config", file], { env });
        expect(revoked.code, revoked.stderr).toBe(0);
        // Token lookups are reused for up to TOKEN_CACHE_MS: after that the revoked token is refused.
        await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MS + 100));
        expect((await get("/api/v1/groups", token)).status).toBe(401);
      },
      // Six CLI processes, each a cold start of the TypeScript sources.
      300_000,
    );

    it.runIf(backend === "postgres")(
      "signs people in with GitHub (OAuth through the simulator): members get a session cookie with their role, others are refused",
      async () => {
        const admin = logins[0] as string;
        const member = logins[1] as string;
        const withOAuth = await startApiServer({
          logger: silent,
          read: {
            db: t.db,
            config: { ...config, admins: [admin] },
            oauth: { ...OAUTH, webUrl: sim.url, apiUrl: sim.url },
          },
        });
        const signIn = async (login: string) => {
          const start = await fetch(`${withOAuth.url}/auth/github/login?returnTo=/api/v1/me`, { redirect: "manual" });
          expect(start.status).toBe(302);
          const stateCookie = (start.headers.get("set-cookie") ?? "").split(";")[0] as string;
          const authorize = new URL(start.headers.get("location") as string);
          expect(authorize.origin).toBe(new URL(sim.url).origin);
          expect(authorize.pathname).toBe("/login/oauth/authorize");
          expect(authorize.searchParams.get("client_id")).toBe(OAUTH.clientId);
          // GitHub's sign-in page: the simulator signs in the user named by login=.
          authorize.searchParams.set("login", login);
          const back = await fetch(authorize, { redirect: "manual" });
          expect(back.status).toBe(302);
          const callback = await fetch(back.headers.get("location") as string, {
            redirect: "manual",
            headers: { cookie: stateCookie },
          });
          return { callback, stateCookie, back: back.headers.get("location") as string };
        };
        try {
          const a = await signIn(admin);
          expect(a.callback.status, await a.callback.clone().text()).toBe(302);
          expect(a.callback.headers.get("location")).toBe("/api/v1/me");
          const session = (a.callback.headers.get("set-cookie") ?? "").match(/ys_session=[^;]+/)?.[0] as string;
          expect(a.callback.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Lax/);
          const me = await fetch(`${withOAuth.url}/api/v1/me`, { headers: { cookie: session } });
          expect(await me.json()).toMatchObject({ role: "admin", login: admin });
          const changes = await fetch(`${withOAuth.url}${groupWeek("team", "payments")}/changes`, {
            headers: { cookie: session },
          });
          const page = (await changes.json()) as { items: { author: unknown }[] };
          expect(page.items.every((i) => i.author !== null)).toBe(true);

          const m = await signIn(member);
          const memberSession = (m.callback.headers.get("set-cookie") ?? "").match(/ys_session=[^;]+/)?.[0] as string;
          const meMember = await fetch(`${withOAuth.url}/api/v1/me`, { headers: { cookie: memberSession } });
          expect(await meMember.json()).toMatchObject({ role: "viewer", login: member });
          // The code is good once; a replayed callback (or a missing or other state) is refused.
          const replay = await fetch(m.back, { redirect: "manual", headers: { cookie: m.stateCookie } });
          expect(replay.status).toBe(502);
          const noState = await fetch(m.back, { redirect: "manual" });
          expect(noState.status).toBe(400);
          // Signing out ends the session.
          const out = await fetch(`${withOAuth.url}/auth/logout`, {
            method: "POST",
            headers: { cookie: memberSession },
          });
          expect(out.status).toBe(204);
          await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MS + 100));
          expect((await fetch(`${withOAuth.url}/api/v1/me`, { headers: { cookie: memberSession } })).status).toBe(401);

          // Someone GitHub knows but who is not a member of a synced organisation.
          const outsider = world.users().find((u) => !logins.includes(u.login));
          if (outsider !== undefined) {
            const o = await signIn(outsider.login);
            expect(o.callback.status).toBe(403);
          }
        } finally {
          await withOAuth.close();
        }
      },
      120_000,
    );
  });
});
