import { createHash } from "node:crypto";
import type { Config } from "@yardstick/config";
import { addWeeks, InputError, weekRange } from "@yardstick/core";
import {
  attributionCoverageByWeek,
  countGroupWeekChanges,
  countQuarantined,
  type Database,
  type GroupKindName,
  getChangeDetails,
  getDeploymentDetails,
  getRollupRow,
  getSyncCursors,
  listGroupWeekChanges,
  listGroupWeekDeployments,
  listGroupWeekLeadTimes,
  listRepositorySync,
  listRollupGroups,
  listRollupRows,
  type RollupChangeDetail,
  type RollupDeploymentRow,
  type RollupStamp,
  readRollupState,
} from "@yardstick/db";
import { figuresFor, mannWhitneyTwoSided, SIGNIFICANCE_LEVEL, type WeekFigures } from "@yardstick/metrics";
import { type FailedJob, freshnessOf, NotRolledUpError, readCoverage } from "@yardstick/pipeline";
import { MIN_LEAD_TIME_SAMPLE, projectAdoption, trendOf } from "@yardstick/report";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CredentialBudget, QueueDepth } from "./app.js";
import { sendProblem } from "./app.js";
import type { Viewer } from "./auth.js";
import { MetricsAnswers } from "./metrics-answers.js";
import {
  AdoptionQuery,
  AdoptionResponse,
  ChangeResponse,
  ChangesPage,
  ChangesQuery,
  ChangesSummary,
  ChangesSummaryQuery,
  DeploymentResponse,
  DeploymentsResponse,
  GroupsResponse,
  GroupWeekParams,
  GroupWeekResponse,
  LeadTimeTest,
  Me,
  MetricsOutput,
  MetricsQuery,
  Problem,
  StatusResponse,
} from "./schemas.js";
import { timed } from "./server-timing.js";
import type { WebhookCounters } from "./webhooks.js";

export interface ReadRouteDeps {
  db: Database;
  config: Config;
  queues: (() => Promise<QueueDepth[]>) | undefined;
  failedJobs: ((limit: number) => Promise<FailedJob[]>) | undefined;
  webhookCounters: WebhookCounters | undefined;
  rateBudget: (() => Promise<CredentialBudget[]>) | undefined;
  githubWebUrl: string;
  /** The ISO week (configured time zone) of a YYYY-MM-DD day. */
  weekOf: (day: string) => string;
  /** Budget of the `/metrics` answers kept in memory (default {@link DEFAULT_METRICS_CACHE_BYTES}; 0 keeps none). */
  metricsCacheBytes?: number;
  /** How often to look for a new rollup run whose common answers to prepare (ms; 0: never ahead of readers). */
  metricsPrepareEveryMs?: number;
  /** Told when a rollup run's common `/metrics` answers are prepared. */
  onMetricsPrepared?: (event: { stamp: RollupStamp; answers: number; ms: number }) => void;
}

type MetricsOutputBody = z.infer<typeof MetricsOutput>;

/** 256 MiB: room for a few years of every team's figures at the 5,000-engineer size. */
export const DEFAULT_METRICS_CACHE_BYTES = 256 * 1024 * 1024;

/** Look for a new rollup run every 10 s: a worker's rollups reach readers prepared within seconds. */
export const DEFAULT_METRICS_PREPARE_EVERY_MS = 10_000;

const errors = { 400: Problem, 401: Problem, 404: Problem };
/** The status route's attribution coverage: the rollups' last this many weeks. */
const ATTRIBUTION_WEEKS = 4;
/** The status route lists at most this many failed jobs (the newest). */
const FAILED_JOBS_LISTED = 20;
const BASE = "/api/v1";

export function groupWeekHref(kind: string, name: string, week: string): string {
  return `${BASE}/groups/${kind}/${encodeURIComponent(name)}/weeks/${week}`;
}

/** A link to the group-week a stored row belongs to. */
function groupWeekRef(r: { groupKind: GroupKindName; groupName: string; week: string }) {
  return { kind: r.groupKind, name: r.groupName, week: r.week, href: groupWeekHref(r.groupKind, r.groupName, r.week) };
}

/** Admins see every author; a lead sees the authors of their own team's group-weeks; viewers nobody. */
function mayName(viewer: Viewer, kind: string, name: string): boolean {
  return viewer.role === "admin" || (viewer.role === "lead" && kind === "team" && name === viewer.team);
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

function changeItem(c: RollupChangeDetail, web: string, named: boolean) {
  return {
    id: c.changeKey,
    repo: c.repo,
    prNumber: c.prNumber,
    url:
      c.prNumber === null
        ? c.sha === null
          ? null
          : `${web}/${c.repo}/commit/${c.sha}`
        : `${web}/${c.repo}/pull/${c.prNumber}`,
    title: c.title,
    qualifying: c.qualifying,
    exclusions: c.exclusions,
    counted: c.counted,
    countedAi: c.countedAi,
    mergedAt: c.mergedAt.toISOString(),
    deployedAt: iso(c.deployedAt),
    deploymentId: c.deploymentId,
    leadTimeHours: c.leadTimeHours,
    revertedBy: c.revertedBy,
    ai: {
      assisted: c.ai,
      class: c.verdict?.class ?? null,
      tool: c.verdict?.tool ?? null,
      tools: c.verdict?.tools ?? [],
      confidence: c.verdict?.confidence ?? null,
      ruleVersion: c.verdict?.ruleVersion ?? null,
      evidence: (c.verdict?.evidence ?? []) as Record<string, unknown>[],
    },
    author: named ? { personId: c.personId, login: c.creditedLogin, creditReason: c.creditReason } : null,
  };
}

function deploymentItem(d: RollupDeploymentRow) {
  return {
    id: d.deploymentId,
    repo: d.repo,
    environment: d.environment,
    liveAt: d.liveAt.toISOString(),
    failed: d.failed,
    failureReasons: d.failureReasons,
    recoveryHours: d.recoveryHours,
    shipsAi: d.shipsAi,
    shipped: d.shipped,
  };
}

/** An opaque keyset cursor: the last item's key. */
function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString("base64url");
}

function decodeCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof value.after === "string") return value.after;
  } catch {
    // fall through
  }
  throw new InputError("input.cursor", "bad cursor", [
    { path: "cursor", message: "not a cursor this API gave", example: "the `next` link of the previous page" },
  ]);
}

function dayRange(deps: ReadRouteDeps, from: string, to: string): { from: string; to: string } {
  const bad = [
    ["from", from],
    ["to", to],
  ].filter(([, d]) => Number.isNaN(new Date(`${d}T12:00:00Z`).getTime()));
  if (bad.length > 0) {
    throw new InputError(
      "input.option",
      "bad date",
      bad.map(([path, d]) => ({
        path: path as string,
        message: `not a date: ${JSON.stringify(d)}`,
        example: "2026-06-01",
      })),
    );
  }
  const range = { from: deps.weekOf(from), to: deps.weekOf(to) };
  if (range.from > range.to) {
    throw new InputError("input.option", "bad range", [
      { path: "from", message: `${from} is after ${to}`, example: `from=${to}&to=${from}` },
    ]);
  }
  return range;
}

/**
 * A stored group-week the viewer may open (its drill-down): not suppressed. Suppressed and
 * missing group-weeks answer the same 404, so a probe tells nothing about who is in them.
 */
async function openGroupWeek(
  deps: ReadRouteDeps,
  reply: FastifyReply,
  kind: GroupKindName,
  name: string,
  week: string,
): Promise<WeekFigures | null> {
  const row = await timed(reply.request.timing, "row", () =>
    getRollupRow(deps.db, { groupKind: kind, groupName: name, week }),
  );
  const figures = row === null ? null : (row.figures as unknown as WeekFigures);
  if (figures === null || figures.suppressed) {
    sendProblem(
      reply,
      404,
      "no-group-week",
      "No such group-week",
      `no figures of ${kind} ${JSON.stringify(name)} in ${week} can be shown: the group-week is not rolled up, or has fewer than k people`,
    );
    return null;
  }
  return figures;
}

/** The configured organisations' roster marks, with the data files' logins left out (named to administrators). */
async function rosterStatus(deps: ReadRouteDeps, admin: boolean) {
  const orgs = deps.config.github.organizations.map((o) => o.name);
  const marks = await getSyncCursors(
    deps.db,
    orgs.map((org) => org.toLowerCase()),
    "roster",
  );
  return orgs.flatMap((org) => {
    const mark = marks.get(org.toLowerCase());
    if (mark === undefined) return [];
    const leftOut = mark.state.leftOut ?? [];
    return [
      {
        org,
        status: mark.state.status,
        since: mark.state.since.toISOString(),
        leftOut: leftOut.length,
        leftOutLogins: admin ? leftOut : null,
      },
    ];
  });
}

// biome-ignore lint/suspicious/noExplicitAny: any Fastify instance (its logger type varies).
export function registerReadRoutes(app: FastifyInstance<any, any, any, any>, deps: ReadRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const metricsAnswers = new MetricsAnswers({
    db: deps.db,
    config: deps.config,
    cacheBytes: deps.metricsCacheBytes ?? DEFAULT_METRICS_CACHE_BYTES,
    prepareEveryMs: deps.metricsPrepareEveryMs ?? DEFAULT_METRICS_PREPARE_EVERY_MS,
    ...(deps.onMetricsPrepared === undefined ? {} : { onPrepared: deps.onMetricsPrepared }),
    onError: (error, ask) => app.log.warn({ err: error, ask }, "preparing a /metrics answer failed"),
  });
  app.addHook("onReady", async () => metricsAnswers.start());
  app.addHook("onClose", async () => metricsAnswers.stop());
  const freshness = async () => {
    const state = await readRollupState(deps.db);
    if (state === null) throw new NotRolledUpError("", "", null);
    return freshnessOf(state);
  };

  api.get(
    `${BASE}/me`,
    {
      schema: {
        summary: "Who this token (or GitHub sign-in) is: its name, role, a lead's team, the GitHub login",
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const v = request.viewer as Viewer;
      return { name: v.name, role: v.role, team: v.team, login: v.login };
    },
  );

  api.get(
    `${BASE}/groups`,
    {
      schema: {
        summary: "The groups with figures: the organisation, teams and repositories (never people)",
        response: { 200: GroupsResponse, ...errors },
      },
    },
    async () => {
      const fresh = await freshness();
      const groups = await listRollupGroups(deps.db);
      return {
        groups: groups.map((g) => ({
          ...g,
          href: `${BASE}/metrics?group=${g.kind}&name=${encodeURIComponent(g.name)}`,
        })),
        freshness: fresh,
      };
    },
  );

  api.get(
    `${BASE}/metrics`,
    {
      schema: {
        summary:
          "The weekly figures, exactly the document `yardstick metrics --format json` prints for the same arguments",
        querystring: MetricsQuery,
        response: { 200: MetricsOutput, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { from, to } = dayRange(deps, q.from, q.to);
      const admin = request.viewer?.role === "admin";
      // Kept or prepared when this rollup run's answer was read before; read from the rollups once
      // otherwise. The key names the rollup run read, so a kept answer is never served stale.
      const { body, stamp, key, kept } = await metricsAnswers.answer({
        from,
        to,
        ...(q.group === undefined ? {} : { group: q.group }),
        ...(q.name === undefined ? {} : { name: q.name }),
        admin,
      });
      reply.header("etag", `W/"${createHash("sha256").update(key).digest("base64url").slice(0, 27)}"`);
      reply.header("last-modified", stamp.lastRunAt.toUTCString());
      reply.header("x-yardstick-computed-at", stamp.computedNow.toISOString());
      // Whether the answer was kept (prepared after the rollup run, or asked before) or read now.
      reply.header("x-cache", kept ? "hit" : "miss");
      // Bytes are sent as they are (Fastify serialises only objects).
      reply.type("application/json; charset=utf-8");
      return reply.send(body as unknown as MetricsOutputBody);
    },
  );

  api.get(
    `${BASE}/groups/:kind/:name/weeks/:week`,
    {
      schema: {
        summary: "One group-week's figures, with links to the changes and deployments behind them",
        params: GroupWeekParams,
        response: { 200: GroupWeekResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { kind, name, week } = request.params;
      const row = await timed(request.timing, "row", () =>
        getRollupRow(deps.db, { groupKind: kind, groupName: name, week }),
      );
      if (row === null) {
        return sendProblem(
          reply,
          404,
          "no-group-week",
          "No such group-week",
          `${kind} ${JSON.stringify(name)} has no figures for ${week}`,
        );
      }
      const figures = figuresFor(row.figures as unknown as WeekFigures, request.viewer?.role === "admin");
      const href = groupWeekHref(kind, name, week);
      return {
        kind,
        name,
        week,
        figures,
        links: figures.suppressed
          ? { changes: null, deployments: null }
          : { changes: `${href}/changes`, deployments: `${href}/deployments` },
        freshness: await timed(request.timing, "freshness", freshness),
      };
    },
  );

  api.get(
    `${BASE}/groups/:kind/:name/weeks/:week/changes`,
    {
      schema: {
        summary:
          "The changes deployed in the group-week, qualifying or excluded (and why), with their AI verdict and evidence; `counted` ones add up to ND, `countedAi` ones to AIND",
        params: GroupWeekParams,
        querystring: ChangesQuery,
        response: { 200: ChangesPage, ...errors },
      },
    },
    async (request, reply) => {
      const { kind, name, week } = request.params;
      if ((await openGroupWeek(deps, reply, kind, name, week)) === null) return reply;
      const q = request.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const rows = await timed(request.timing, "page", () =>
        listGroupWeekChanges(deps.db, {
          groupKind: kind,
          groupName: name,
          week,
          limit: q.limit + 1,
          ...(after === undefined ? {} : { after }),
          ...(q.qualifying === undefined ? {} : { qualifying: q.qualifying === "true" }),
          ...(q.ai === undefined ? {} : { ai: q.ai === "true" }),
        }),
      );
      const page = rows.slice(0, q.limit);
      const named = mayName(request.viewer as Viewer, kind, name);
      let next: string | null = null;
      const last = page.at(-1);
      if (rows.length > q.limit && last !== undefined) {
        const params = new URLSearchParams();
        params.set("cursor", encodeCursor(last.changeKey));
        params.set("limit", String(q.limit));
        if (q.qualifying !== undefined) params.set("qualifying", q.qualifying);
        if (q.ai !== undefined) params.set("ai", q.ai);
        next = `${groupWeekHref(kind, name, week)}/changes?${params}`;
      }
      return {
        items: page.map((c) => ({
          ...changeItem(c, deps.githubWebUrl, named),
          groupKind: kind,
          groupName: name,
          week,
        })),
        next,
      };
    },
  );

  api.get(
    `${BASE}/groups/:kind/:name/weeks/:week/changes/summary`,
    {
      schema: {
        summary:
          "What the group-week's change list (same filters) adds up to, without listing it: how many changes match, how many of them count in ND and in AIND, and the figures they divide into",
        params: GroupWeekParams,
        querystring: ChangesSummaryQuery,
        response: { 200: ChangesSummary, ...errors },
      },
    },
    async (request, reply) => {
      const { kind, name, week } = request.params;
      const figures = await openGroupWeek(deps, reply, kind, name, week);
      if (figures === null) return reply;
      const q = request.query;
      const counts = await timed(request.timing, "count", () =>
        countGroupWeekChanges(deps.db, {
          groupKind: kind,
          groupName: name,
          week,
          ...(q.qualifying === undefined ? {} : { qualifying: q.qualifying === "true" }),
          ...(q.ai === undefined ? {} : { ai: q.ai === "true" }),
        }),
      );
      return { ...counts, activeEngineers: figures.activeEngineers, nd: figures.nd, aind: figures.aind };
    },
  );

  api.get(
    `${BASE}/groups/:kind/:name/weeks/:week/deployments`,
    {
      schema: {
        summary: "The group-week's production deployments (deployment frequency, change failure rate, recovery time)",
        params: GroupWeekParams,
        response: { 200: DeploymentsResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { kind, name, week } = request.params;
      if ((await openGroupWeek(deps, reply, kind, name, week)) === null) return reply;
      const rows = await timed(request.timing, "page", () =>
        listGroupWeekDeployments(deps.db, { groupKind: kind, groupName: name, week }),
      );
      return { items: rows.map(deploymentItem) };
    },
  );

  api.get(
    `${BASE}/groups/:kind/:name/weeks/:week/lead-time-test`,
    {
      schema: {
        summary:
          "Whether the group-week's AI-assisted and other lead times differ beyond noise: a two-sided Mann-Whitney U test of the samples behind the guardrails' lead-time medians",
        params: GroupWeekParams,
        response: { 200: LeadTimeTest, ...errors },
      },
    },
    async (request, reply) => {
      const { kind, name, week } = request.params;
      if ((await openGroupWeek(deps, reply, kind, name, week)) === null) return reply;
      const samples = await listGroupWeekLeadTimes(deps.db, { groupKind: kind, groupName: name, week });
      const enough = samples.ai.length >= MIN_LEAD_TIME_SAMPLE && samples.other.length >= MIN_LEAD_TIME_SAMPLE;
      const t = enough ? mannWhitneyTwoSided(samples.ai, samples.other) : null;
      return {
        kind,
        name,
        week,
        ai: samples.ai.length,
        other: samples.other.length,
        minimum: MIN_LEAD_TIME_SAMPLE,
        test:
          t === null
            ? null
            : { u: t.u, pValue: t.pValue, method: t.method, significant: t.pValue < SIGNIFICANCE_LEVEL },
      };
    },
  );

  api.get(
    `${BASE}/changes/:id`,
    {
      schema: {
        summary:
          "One change (`owner/repo#123` or `owner/repo@sha`, URL-encoded): its verdicts, evidence and the group-weeks it counts in",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: ChangeResponse, ...errors },
      },
    },
    async (request, reply) => {
      const rows = await timed(request.timing, "change", () => getChangeDetails(deps.db, request.params.id));
      const first = rows[0];
      if (first === undefined) {
        return sendProblem(
          reply,
          404,
          "no-change",
          "No such change",
          `${JSON.stringify(request.params.id)} is not a deployed change of a group-week that can be shown`,
        );
      }
      const viewer = request.viewer as Viewer;
      return {
        ...changeItem(
          first,
          deps.githubWebUrl,
          rows.some((r) => mayName(viewer, r.groupKind, r.groupName)),
        ),
        groupWeeks: rows.map(groupWeekRef),
      };
    },
  );

  api.get(
    `${BASE}/deployments/:id`,
    {
      schema: {
        summary: "One production deployment: whether it failed and why, recovery, the changes it shipped",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: DeploymentResponse, ...errors },
      },
    },
    async (request, reply) => {
      const rows = await getDeploymentDetails(deps.db, request.params.id);
      const first = rows[0];
      if (first === undefined) {
        return sendProblem(
          reply,
          404,
          "no-deployment",
          "No such deployment",
          `${JSON.stringify(request.params.id)} is not in a group-week that can be shown`,
        );
      }
      return {
        ...deploymentItem(first),
        groupWeeks: rows.map(groupWeekRef),
        changes: first.shipped.map((id) => ({ id, href: `${BASE}/changes/${encodeURIComponent(id)}` })),
      };
    },
  );

  api.get(
    `${BASE}/adoption`,
    {
      schema: {
        summary:
          "Adoption against the target per group: weekly and 4-week values, people still needed, trend, and the week the target is reached at the last 8 weeks' trend",
        querystring: AdoptionQuery,
        response: { 200: AdoptionResponse, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const state = await readRollupState(deps.db);
      if (state === null) throw new NotRolledUpError("", "", null);
      const twelveWeeks = [addWeeks(state.toWeek, -11), state.fromWeek].sort()[1] as string;
      const range =
        q.from !== undefined && q.to !== undefined
          ? dayRange(deps, q.from, q.to)
          : {
              from: twelveWeeks,
              to: state.toWeek,
            };
      if (range.from < state.fromWeek || range.to > state.toWeek)
        throw new NotRolledUpError(range.from, range.to, state);
      const weeks = weekRange(range.from, range.to);
      const rows = await listRollupRows(deps.db, { fromWeek: range.from, toWeek: range.to, kinds: [q.group] });
      const byGroup = new Map<string, Map<string, WeekFigures>>();
      for (const r of rows) {
        if (q.name !== undefined && r.groupName !== q.name) continue;
        let m = byGroup.get(r.groupName);
        if (m === undefined) {
          m = new Map();
          byGroup.set(r.groupName, m);
        }
        m.set(r.week, r.figures as unknown as WeekFigures);
      }
      const groups = [...byGroup.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, m]) => {
          const series = weeks.map((week) => {
            const f = m.get(week);
            return {
              week,
              adoption: f?.adoption ?? null,
              adoption4w: f?.adoption4w ?? null,
              target: f?.adoptionTarget ?? null,
              peopleToTarget: f?.peopleToTarget ?? null,
              suppressed: f?.suppressed ?? true,
            };
          });
          const current = series.at(-1) as (typeof series)[number];
          const previous = series.at(-2);
          const target = [...series].reverse().find((s) => s.target !== null)?.target ?? null;
          const basis = [...m.values()].at(-1)?.adoptionBasis ?? "week";
          const judged = (s: (typeof series)[number]) => (basis === "rolling4w" ? s.adoption4w : s.adoption);
          const currentJudged = judged(current);
          return {
            kind: q.group,
            name,
            target,
            basis,
            current: {
              week: current.week,
              adoption: current.adoption,
              adoption4w: current.adoption4w,
              peopleToTarget: current.peopleToTarget,
              atTarget: currentJudged === null || target === null ? null : currentJudged >= target,
              suppressed: current.suppressed,
            },
            trend: trendOf(current.adoption, previous?.adoption ?? null),
            // At the trend of the value the target is judged on.
            projection: projectAdoption(
              series.map((s) => ({ week: s.week, adoption: judged(s) })),
              target,
            ),
            series,
          };
        });
      return { weeks, groups, freshness: freshnessOf(state) };
    },
  );

  api.get(
    `${BASE}/status`,
    {
      schema: {
        summary: "Freshness and coverage: the rollups, last sync per repository, queues, provisional weeks",
        response: { 200: StatusResponse, ...errors },
      },
    },
    async (request) => {
      const state = await readRollupState(deps.db);
      const provisional: string[] = [];
      const orgs = new Set<string>();
      if (state !== null) {
        for (const r of await listRollupRows(deps.db, {
          fromWeek: state.fromWeek,
          toWeek: state.toWeek,
          kinds: ["org"],
        })) {
          orgs.add(r.groupName);
          if ((r.figures as unknown as WeekFigures).provisional) provisional.push(r.week);
        }
      }
      const coverage = await readCoverage(deps.db);
      const attributionWeeks =
        state === null
          ? []
          : await attributionCoverageByWeek(deps.db, {
              orgs: [...orgs],
              fromWeek: [addWeeks(state.toWeek, -(ATTRIBUTION_WEEKS - 1)), state.fromWeek].sort()[1] as string,
              toWeek: state.toWeek,
            });
      // A job's reason may quote what it was working on (a repository, a login in an address):
      // administrators read it, everyone else the job and when it failed.
      const admin = request.viewer?.role === "admin";
      const failedJobs =
        deps.failedJobs === undefined
          ? null
          : await deps
              .failedJobs(FAILED_JOBS_LISTED)
              .then((jobs) => jobs.map((j) => ({ ...j, reason: admin ? j.reason : null })))
              .catch(() => null);
      return {
        rollups: state === null ? null : freshnessOf(state),
        provisionalWeeks: [...new Set(provisional)].sort(),
        repositories: (await listRepositorySync(deps.db)).map((r) => ({
          repo: r.repo,
          lastSyncAt: iso(r.lastSyncAt),
          lastError: r.lastError,
        })),
        coverage: {
          unresolvedAccounts: coverage.unresolvedAccounts ?? 0,
          lastSyncAt: iso(coverage.lastSyncAt ?? null),
          syncStreamsWithErrors: coverage.syncStreamsWithErrors ?? 0,
          ruleVersions: coverage.ruleVersions ?? [],
        },
        attribution: {
          weeks: attributionWeeks.map((w) => ({
            ...w,
            signalShare: w.changes === 0 ? null : w.withSignal / w.changes,
          })),
        },
        queues: deps.queues === undefined ? null : await deps.queues(),
        failedJobs,
        // Redis unreachable: the budget is unknown (null), the rest of the status still answers.
        rateBudget: deps.rateBudget === undefined ? null : await deps.rateBudget().catch(() => null),
        rosters: await rosterStatus(deps, admin),
        quarantinedRecords: await countQuarantined(deps.db),
        webhooksOutOfScope: deps.webhookCounters?.outOfScope ?? null,
      };
    },
  );
}
