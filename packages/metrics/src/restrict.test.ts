import { describe, expect, it } from "vitest";
import { computeMetrics, evaluateGroups } from "./compute.js";
import { detectDeployments } from "./detect.js";
import { affectedWeeks, evaluateGroupWeeks, type GroupWeek } from "./incremental.js";
import type { MetricsInput } from "./inputs.js";
import type { MetricsOutput } from "./output.js";
import { prepareMetrics } from "./prepare.js";
import {
  type RollupState,
  reposWithDataSince,
  restrictInput,
  rollupState,
  updateInputOf,
  updatePrepared,
} from "./restrict.js";
import { syntheticInput } from "./synthetic.js";

function figuresByPair(out: MetricsOutput): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of out.groups) for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
  return map;
}

const now = new Date("2026-11-21T00:00:00Z");
const options = { from: "2026-W17", to: "2026-W47", now };

/** Checks each evaluated pair against `full` (a full report by pair); returns how many were compared. */
function expectEqualPairs(got: ReturnType<typeof evaluateGroupWeeks>, full: Map<string, string>): number {
  let compared = 0;
  for (const r of got) {
    const expected = full.get(`${r.kind} ${r.name} ${r.week}`);
    if (expected === undefined) continue; // an "other" group the full report never needed
    expect(`${r.kind} ${r.name} ${r.week} ${JSON.stringify(r.figures)}`).toBe(
      `${r.kind} ${r.name} ${r.week} ${expected}`,
    );
    compared += 1;
  }
  return compared;
}

/** Evaluates `pairs` on the restricted input and checks each against the full report. */
function expectSameAsFull(input: MetricsInput, pairs: GroupWeek[], full: Map<string, string>) {
  const restricted = restrictInput(input, pairs);
  const compared = expectEqualPairs(evaluateGroupWeeks(prepareMetrics(restricted.input), pairs, { now }), full);
  return { restricted, compared };
}

/** Evaluates `pairs` on a kept state (with its caches) and checks each against the full report. */
function expectKeptEqual(state: RollupState, pairs: GroupWeek[], full: Map<string, string>): number {
  return expectEqualPairs(evaluateGroupWeeks(state.prep, pairs, { now }, state.ctx), full);
}

describe("restrictInput", () => {
  // 30 weeks, 60 engineers, 4,000 changes: rollbacks, failures, reverts, a second environment, bots, usage.
  const world = syntheticInput({ changes: 4000, engineers: 60, weeks: 30, seed: 3 });
  const full = computeMetrics(world.input, options);
  const fullMap = figuresByPair(full);
  const pairsOf = (weeks: readonly string[]): GroupWeek[] =>
    full.groups.flatMap((g) => weeks.map((week) => ({ kind: g.kind, name: g.name, week })));

  it("the generated world has the shapes the restriction must handle", () => {
    const live = world.input.deployments.filter((d) => d.statuses.some((s) => s.state === "success"));
    expect(live.some((d) => d.statuses.some((s) => s.state === "failure"))).toBe(true);
    expect(new Set(world.input.deployments.map((d) => d.environment)).size).toBeGreaterThan(1);
    expect(world.input.changes.some((c) => c.title.startsWith("Revert"))).toBe(true);
    expect(full.notes.reposWithoutDeploymentSignal.length).toBeGreaterThan(0);
  });

  it("evaluating the latest weeks on the restricted input equals the full report", () => {
    const { restricted, compared } = expectSameAsFull(world.input, pairsOf(["2026-W46", "2026-W47"]), fullMap);
    expect(compared).toBeGreaterThan(20);
    // Only about 14 of 30 weeks of changes are kept; repositories stay restricted.
    expect(restricted.input.changes.length).toBeLessThan(world.input.changes.length * 0.6);
    expect(restricted.fullRepos.length).toBeLessThan(3);
  });

  it("so does a week in the middle (data after the pair's week is kept)", () => {
    const { compared } = expectSameAsFull(world.input, pairsOf(["2026-W35"]), fullMap);
    expect(compared).toBeGreaterThan(10);
  });

  it("keeps whole a repository with no commit graph or no deployment before the window", () => {
    const repo = world.input.repos[0] as string;
    const other = world.input.repos[1] as string;
    const { [repo]: _dropped, ...graphs } = world.input.commitGraphs;
    const input: MetricsInput = {
      ...world.input,
      commitGraphs: graphs,
      // `other` first deploys inside the window: its first deployment's lookback applies.
      deployments: world.input.deployments.filter(
        (d) => d.repo !== other || (d.statuses[0]?.createdAt ?? now) >= new Date("2026-10-01T00:00:00Z"),
      ),
    };
    const fullOther = figuresByPair(computeMetrics(input, options));
    const pairs = pairsOf(["2026-W47"]);
    const { restricted } = expectSameAsFull(input, pairs, fullOther);
    expect(restricted.fullRepos).toContain(repo);
    expect(restricted.fullRepos).toContain(other);
  });

  it("a repository that paused deploying: the first deployment in the window ships all since the last one before it, after a rollback", () => {
    // Window for 2026-W45..W47 starts at W34 (11 weeks before W45). Repository 0 stops deploying
    // from W31 to W44 and rolls back just before the pause; W45's deployment ships everything since.
    const repo = world.input.repos[0] as string;
    const pauseFrom = new Date("2026-07-27T00:00:00Z");
    const pauseTo = new Date("2026-11-02T00:00:00Z");
    const liveAt = (d: MetricsInput["deployments"][number]) => d.statuses[0]?.createdAt ?? now;
    const before = world.input.deployments.filter((d) => d.repo === repo && liveAt(d) < pauseFrom);
    const rolledBackTo = before.at(-4);
    if (rolledBackTo === undefined) throw new Error("world: too few deployments");
    const rollbackAt = new Date(pauseFrom.getTime() - 3_600_000);
    const deployments = [
      ...world.input.deployments.filter((d) => d.repo !== repo || liveAt(d) < rollbackAt || liveAt(d) >= pauseTo),
      {
        ...rolledBackTo,
        externalId: "rollback-before-pause",
        createdAt: rollbackAt,
        statuses: [{ state: "success" as const, createdAt: rollbackAt, description: "" }],
      },
    ];
    const input: MetricsInput = { ...world.input, deployments };
    const fullPaused = figuresByPair(computeMetrics(input, options));
    const pairs = pairsOf(["2026-W45", "2026-W46", "2026-W47"]);
    const { restricted, compared } = expectSameAsFull(input, pairs, fullPaused);
    expect(compared).toBeGreaterThan(20);
    expect(restricted.fullRepos).not.toContain(repo);
  });

  it("merge is deploy with merges stamped before their parents: the restricted input and the kept state equal the full report", () => {
    // Two repositories deploy by merge; every third of their merges is stamped a minute before the
    // previous one (clock skew): history order and clock disagree.
    const mergeRepos = new Set(world.input.repos.slice(0, 2));
    const last = new Map<string, Date>();
    let n = 0;
    const changes = [...world.input.changes]
      .sort((a, b) => a.mergedAt.getTime() - b.mergedAt.getTime())
      .map((c) => {
        if (!mergeRepos.has(c.repo)) return c;
        const previous = last.get(c.repo);
        last.set(c.repo, c.mergedAt);
        return previous !== undefined && n++ % 3 === 0 ? { ...c, mergedAt: new Date(previous.getTime() - 60_000) } : c;
      });
    const merges = detectDeployments(
      [...mergeRepos].map((repo) => ({
        repo,
        trackedBranch: "main",
        method: { method: "merge" as const },
        deployments: [],
        releases: [],
        tags: [],
        workflowRuns: [],
        merges: changes
          .filter((c) => c.repo === repo)
          .map((c) => ({ sha: c.landingShas.at(-1) ?? "", mergedAt: c.mergedAt, key: c.key })),
      })),
    ).deployments;
    const skewed = (input: MetricsInput, at: Date): MetricsInput => ({
      ...input,
      changes: changes.filter((c) => c.mergedAt < at),
      deployments: [
        ...input.deployments.filter((d) => !mergeRepos.has(d.repo)),
        ...merges.filter((d) => d.createdAt < at),
      ],
    });
    const input = skewed(world.input, now);
    const fullSkewed = figuresByPair(computeMetrics(input, options));
    const { compared } = expectSameAsFull(input, pairsOf(["2026-W45", "2026-W46", "2026-W47"]), fullSkewed);
    expect(compared).toBeGreaterThan(20);
    expect(expectSameAsFull(input, pairsOf(["2026-W35"]), fullSkewed).compared).toBeGreaterThan(10);
    // Day after day from a kept state, as the worker's rollups run.
    const wednesday = new Date("2026-11-18T00:00:00Z");
    const prep = prepareMetrics(skewed(asOf(wednesday), wednesday));
    const state = rollupState(prep);
    evaluateGroups(prep, full.weeks, { ...options, now: wednesday }, state.ctx);
    for (let d = 0; d < 3; d++) {
      const since = new Date(wednesday.getTime() + d * 86_400_000);
      const until = new Date(since.getTime() + 86_400_000);
      const day = skewed(asOf(until), until);
      updatePrepared(state, day, since);
      const expected = figuresByPair(computeMetrics(day, options));
      expect(expectKeptEqual(state, pairsOf(["2026-W45", "2026-W46", "2026-W47"]), expected)).toBeGreaterThan(20);
    }
  });

  const asOf = (at: Date): MetricsInput => {
    const day = at.toISOString().slice(0, 10);
    return {
      ...world.input,
      changes: world.input.changes.filter((c) => c.mergedAt < at),
      deployments: world.input.deployments
        .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) }))
        .filter((d) => d.createdAt < at),
      usage: world.input.usage.filter((u) => u.day < day),
    };
  };

  it("updatePrepared: day after day, the kept facts and caches give the full report's figures", () => {
    const wednesday = new Date("2026-11-18T00:00:00Z");
    const prep = prepareMetrics(asOf(wednesday));
    const state = rollupState(prep);
    const weeks = full.weeks;
    evaluateGroups(prep, weeks, { ...options, now: wednesday }, state.ctx); // the last full recompute, its caches kept
    for (let d = 0; d < 3; d++) {
      const since = new Date(wednesday.getTime() + d * 86_400_000);
      const until = new Date(since.getTime() + 86_400_000);
      const input = asOf(until);
      updatePrepared(state, input, since);
      const expected = figuresByPair(computeMetrics(input, options));
      const pairs = pairsOf(["2026-W45", "2026-W46", "2026-W47"]);
      expect(expectKeptEqual(state, pairs, expected)).toBeGreaterThan(20);
    }
  });

  it("updatePrepared given only the repositories with new data (6-hour batches) gives the full report's figures", () => {
    const thursday = new Date("2026-11-19T00:00:00Z");
    const prep = prepareMetrics(asOf(thursday));
    const state = rollupState(prep);
    evaluateGroups(prep, full.weeks, { ...options, now: thursday }, state.ctx);
    let limited = 0;
    for (let i = 0; i < 8; i++) {
      const since = new Date(thursday.getTime() + i * 6 * 3_600_000);
      const until = new Date(since.getTime() + 6 * 3_600_000);
      const input = asOf(until);
      const repos = reposWithDataSince(input, since);
      if (repos.size < input.repos.length) limited += 1;
      // A day's usage arrives when the day ends: only the batch ending at midnight reads usage.
      updatePrepared(state, updateInputOf(input, since, repos, { usage: until.getUTCHours() === 0 }), since);
      const expected = figuresByPair(computeMetrics(input, options));
      expect(expectKeptEqual(state, pairsOf(["2026-W46", "2026-W47"]), expected)).toBeGreaterThan(20);
    }
    expect(limited).toBeGreaterThan(0); // some batches left repositories out
  });

  it("updatePrepared reports what changed: every pair whose figures differ after an update is among affectedWeeks of it", () => {
    const thursday = new Date("2026-11-19T00:00:00Z");
    const prep = prepareMetrics(asOf(thursday));
    const state = rollupState(prep);
    let before = figuresByPair(computeMetrics(asOf(thursday), options));
    let differing = 0;
    // Four 6-hour batches, then a whole day.
    const batches: [number, number][] = [0, 6, 12, 18].map((h) => [h, h + 6]);
    batches.push([24, 48]);
    for (const [from, to] of batches) {
      const since = new Date(thursday.getTime() + from * 3_600_000);
      const input = asOf(new Date(thursday.getTime() + to * 3_600_000));
      const { changed } = updatePrepared(state, updateInputOf(input, since, reposWithDataSince(input, since)), since);
      const listed = new Set(
        affectedWeeks(changed, input.roster, input.config, options.to).map((p) => `${p.kind} ${p.name} ${p.week}`),
      );
      const after = figuresByPair(computeMetrics(input, options));
      for (const [key, figures] of after) {
        if (before.get(key) === figures) continue;
        differing += 1;
        expect(listed.has(key), `${key} changed but is not listed`).toBe(true);
      }
      // And it is not everything: a 6-hour batch lists a small share of the pairs.
      if (to - from === 6) expect(listed.size).toBeLessThan(after.size / 4);
      before = after;
    }
    expect(differing).toBeGreaterThan(20);
  });

  it("updatePrepared: reverts of changes merged long before the revert window (every form) are reverts there too", () => {
    // Five changes merged on Thursday become reverts, in each form, of changes of their repository
    // merged over 40 days before (outside what the update re-prepares): none qualifies, in the
    // kept state as in a full recompute.
    const thursday = new Date("2026-11-19T00:00:00Z");
    const friday = new Date("2026-11-20T00:00:00Z");
    const old = (repo: string) =>
      world.input.changes.find(
        (c) => c.repo === repo && c.number !== null && c.mergedAt.getTime() < thursday.getTime() - 40 * 86_400_000,
      );
    const forms = [
      (t: MetricsInput["changes"][number]) => ({ title: `Revert "${t.title} (#${t.number})"` }),
      (t: MetricsInput["changes"][number]) => ({ body: `Reverts #${t.number}` }),
      (t: MetricsInput["changes"][number]) => ({ body: `This reverts https://github.com/${t.repo}/pull/${t.number}` }),
      (t: MetricsInput["changes"][number]) => ({ headRef: `revert-${t.number}-x` }),
      (t: MetricsInput["changes"][number]) => ({ body: `This reverts commit ${t.landingShas[0]}.` }),
    ];
    const rewritten = new Set<string>();
    const changes = world.input.changes.map((c) => {
      const target = old(c.repo);
      const form = forms[rewritten.size];
      if (form === undefined || target === undefined || c.mergedAt < thursday || c.mergedAt >= friday) return c;
      if (c.personId === null) return c;
      rewritten.add(c.key);
      return { ...c, ...form(target) };
    });
    expect(rewritten.size).toBe(forms.length);
    const input: MetricsInput = { ...world.input, changes };
    const asOfInput = (at: Date): MetricsInput => ({
      ...input,
      changes: input.changes.filter((c) => c.mergedAt < at),
      deployments: input.deployments
        .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < at) }))
        .filter((d) => d.createdAt < at),
      usage: input.usage.filter((u) => u.day < at.toISOString().slice(0, 10)),
    });
    const state = rollupState(prepareMetrics(asOfInput(thursday)));
    const after = asOfInput(friday);
    updatePrepared(state, updateInputOf(after, thursday, reposWithDataSince(after, thursday)), thursday);
    const fullPrep = prepareMetrics(after);
    for (const key of rewritten) {
      const kept = state.changeByKey.get(key);
      expect({ key, revert: kept?.revert, qualifying: kept?.qualifying }).toEqual({
        key,
        revert: true,
        qualifying: false,
      });
      expect(fullPrep.changes.find((f) => f.key === key)?.revert).toBe(true);
    }
    const expected = figuresByPair(computeMetrics(after, options));
    expect(expectKeptEqual(state, pairsOf(["2026-W46", "2026-W47"]), expected)).toBeGreaterThan(20);
  });

  it("updatePrepared: a success ends a run of failures that started long before the revert window", () => {
    // Repository 0's production deployments all fail after going live from 1 October until its
    // last one, whose success (the new data) recovers every one of them, seven weeks back.
    const repo = world.input.repos[0] as string;
    const from = new Date("2026-10-01T00:00:00Z");
    const liveOf = (d: MetricsInput["deployments"][number]) => d.statuses.find((x) => x.state === "success")?.createdAt;
    const production = world.input.deployments
      .filter((d) => d.repo === repo && d.environment === "production" && liveOf(d) !== undefined)
      .sort((a, b) => (liveOf(a) as Date).getTime() - (liveOf(b) as Date).getTime());
    const last = production.at(-1);
    if (last === undefined) throw new Error("world: no production deployment");
    const since = last.createdAt;
    const failing = world.input.deployments.map((d) => {
      const live = liveOf(d);
      if (!production.includes(d) || d === last || (live as Date) < from) return d;
      const failedAt = new Date((live as Date).getTime() + 60_000);
      return { ...d, statuses: [...d.statuses, { state: "failure" as const, createdAt: failedAt, description: "" }] };
    });
    const input: MetricsInput = { ...world.input, deployments: failing };
    const before: MetricsInput = {
      ...input,
      changes: input.changes.filter((c) => c.mergedAt < since),
      deployments: input.deployments
        .map((d) => ({ ...d, statuses: d.statuses.filter((x) => x.createdAt < since) }))
        .filter((d) => d.createdAt < since),
      usage: input.usage.filter((u) => u.day < since.toISOString().slice(0, 10)),
    };
    const state = rollupState(prepareMetrics(before));
    const recovered = prepareMetrics(input).deployments.filter(
      (d) => d.repo === repo && d.environment === "production" && d.failed && d.liveAt >= from,
    );
    expect(recovered.length).toBeGreaterThan(10);
    expect(recovered.every((d) => d.recoveryHours !== null)).toBe(true);
    expect(recovered.every((d) => state.deploymentById.get(d.id)?.recoveryHours === null)).toBe(true);
    const { changed } = updatePrepared(state, updateInputOf(input, since, reposWithDataSince(input, since)), since);
    for (const d of recovered) expect(state.deploymentById.get(d.id)?.recoveryHours, d.id).toBe(d.recoveryHours);
    // The pairs of those weeks are listed, and equal the full report.
    const expected = figuresByPair(computeMetrics(input, options));
    const pairs = affectedWeeks(changed, input.roster, input.config, options.to);
    expect(pairs.some((p) => p.kind === "repo" && p.name === repo && p.week === "2026-W40")).toBe(true);
    expect(expectKeptEqual(state, pairs, expected)).toBeGreaterThan(20);
  });
});
