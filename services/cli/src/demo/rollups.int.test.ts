import type { Config } from "@yardstick/config";
import {
  changes,
  type Database,
  listPeople,
  readKeptHeader,
  rollupChanges,
  rollupDeployments,
  rollupKeptFacts,
  upsertChanges,
  upsertUsage,
  weeklyRollups,
} from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { createGitHubClient } from "@yardstick/github";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import {
  computeMetrics,
  holdsWeek,
  hotFromWeek,
  keptFactRows,
  prepareMetrics,
  rollupState,
  WeekClock,
} from "@yardstick/metrics";
import {
  createPipelineDeps,
  loadMetricsInput,
  metricsConfigOf,
  processors,
  RollupMemory,
  rollupWeeks,
  runSyncInline,
  syncWeeks,
} from "@yardstick/pipeline";
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturingLogger } from "../test-cli.js";
import { configForWorld } from "./world-config.js";

/**
 * The weekly rollups are updated incrementally: after a first full rollup, a sync that brings one
 * new merged and deployed pull request recomputes only the group-weeks it touches, and every
 * stored row still equals a full recompute. Both ways: reading a window of the stored data each
 * run (the CLI), and keeping the prepared state between runs (the worker's `RollupMemory`).
 */

const TOKEN = "test-token";
// Half a year of history: the incremental window (about 16 weeks) then starts after the first
// deployments, so most repositories are read from the window on, not whole.
const world = World.from(generateWorld({ ...presetOptions("small", 11), weeks: 26 }), { truth: true });
const now = new Date(world.header.now);
const config: Config = configForWorld(world);

interface LogLine {
  msg: string;
  mode?: string;
  built?: boolean;
  updatedRepos?: number;
  restrictedRepos?: number;
  pairs?: number;
  rows?: number;
}

async function storedRows(db: Database) {
  const rows = await db.select().from(weeklyRollups);
  return new Map(rows.map((r) => [`${r.groupKind} ${r.groupName} ${r.week}`, r]));
}

describe.each([
  { name: "windowed", incremental: "incremental" },
  { name: "kept state", incremental: "kept" },
])("incremental weekly rollups in PostgreSQL, fed by the simulator over HTTP ($name)", (mode) => {
  let t: TestDatabase;
  let sim: Simulator;
  const lines: LogLine[] = [];
  // The rollup stamps rows with the pipeline's clock: each run a minute after the previous one.
  let clock = now;
  // The worker's: one per process, kept across its runs (a new one is a restarted process).
  let memory = mode.incremental === "kept" ? new RollupMemory() : undefined;
  const deps = () =>
    createPipelineDeps({
      db: t.db,
      github: createGitHubClient({
        baseUrl: sim.url,
        auth: { type: "token", token: TOKEN },
        logger: capturingLogger([]),
        throttle: { graphqlMinTimeMs: 0, retryBaseMs: 5, retries: 8 },
      }),
      config,
      now: () => clock,
      ...(memory === undefined ? {} : { rollupMemory: memory }),
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    sim = await startSimulator({ world, tokens: [TOKEN], seed: 3, now: () => now.getTime() });
    const summary = await runSyncInline(deps(), capturingLogger(lines), { runId: "run-1" });
    expect(summary.failed).toEqual([]);
  }, 600_000);
  afterAll(async () => {
    await sim?.close();
    await t?.drop();
  });

  /**
   * A pull request merged now and deployed to production in the `index`-th repository deploying
   * with GitHub deployments; returns the repository.
   */
  async function liveChange(index: number, title: string): Promise<string> {
    const repo = world.repos().filter((r) => r.deployMethod.kind === "deployments")[index];
    expect(repo, `the world has ${index + 1} repositories deploying with GitHub deployments`).toBeDefined();
    const fullName = `${repo?.org}/${repo?.name}`;
    const author = world.orgMembers(repo?.org ?? "")[index]?.login ?? "";
    const pull = await sim.live.addMergedPull({
      repo: fullName,
      author,
      title,
      commits: [{ message: title, author }],
      files: [{ path: "src/rates.ts", additions: 40, deletions: 3 }],
    });
    await sim.live.addDeployment({
      repo: fullName,
      ref: pull.mergeCommitSha ?? undefined,
      environment: "production",
      state: "success",
    });
    return fullName;
  }

  /** Syncs (the rollup runs at its end) at `at`; returns the rollup's log line. */
  async function syncAt(at: Date, runId: string): Promise<LogLine | undefined> {
    lines.length = 0;
    clock = at;
    const summary = await runSyncInline(deps(), capturingLogger(lines), { runId });
    expect(summary.failed).toEqual([]);
    return lines.find((l) => l.msg === "rollups recomputed");
  }

  /** Every stored row of the sync window equals a full recompute of the stored data, and none is missing. */
  async function expectEqualToFull() {
    const after = await storedRows(t.db);
    const full = await fullRecompute();
    const first = syncWeeks(deps())[0] as string;
    expect([...after.values()].filter((r) => r.week >= first).length).toBe(full.size);
    for (const [key, figures] of full) expect(after.get(key)?.figures, key).toEqual(figures);
  }

  /** What a full recompute of the stored data gives, by group and week. */
  async function fullRecompute() {
    const weeks = syncWeeks(deps());
    const output = computeMetrics(await loadMetricsInput(t.db, config), {
      from: weeks[0] as string,
      to: weeks.at(-1) as string,
      now: clock,
      viewerIsAdmin: true, // the rollups keep the named flag lists (readers strip them)
    });
    const map = new Map<string, unknown>();
    for (const g of output.groups) {
      for (const w of g.weeks) map.set(`${g.kind} ${g.name} ${w.week}`, JSON.parse(JSON.stringify(w)));
    }
    return map;
  }

  /** Everything a full rollup stores, without the times it was stored at. */
  async function storedWhole(db: Database) {
    const keyed = <T extends Record<string, unknown>>(rows: T[], key: (r: T) => string, drop: string[] = []) =>
      new Map(
        rows.map((r) => {
          const { computedAt: _c, ...rest } = r as Record<string, unknown>;
          for (const d of drop) delete rest[d];
          return [key(r), JSON.stringify(rest)] as const;
        }),
      );
    const group = (r: { groupKind: string; groupName: string; week: string }) =>
      `${r.groupKind} ${r.groupName} ${r.week}`;
    return {
      rollups: keyed(await db.select().from(weeklyRollups), group),
      changes: keyed(await db.select().from(rollupChanges), (r) => `${group(r)} ${r.changeKey}`),
      deployments: keyed(await db.select().from(rollupDeployments), (r) => `${group(r)} ${r.deploymentId}`),
      facts: keyed(await db.select().from(rollupKeptFacts), (r) => `${r.kind} ${r.key}`),
    };
  }

  /** Makes the next rollup a full recompute (another fingerprint: a configuration changed and back). */
  async function forgetFingerprint() {
    await t.handle.query(
      `update sync_cursors set state = jsonb_set(state, '{fingerprint}', '"${"0".repeat(64)}"') where scope = 'weekly_rollups'`,
    );
  }

  it("the first rollup is a full recompute of every group and week", async () => {
    const first = lines.filter((l) => l.msg === "rollups recomputed");
    expect(first).toHaveLength(1);
    expect(first[0]?.mode).toBe("full");
    const rows = await storedRows(t.db);
    expect(rows.size).toBe((await fullRecompute()).size);
  });

  it("a new merged and deployed pull request in one repository recomputes only the group-weeks it touches", async () => {
    const before = await storedRows(t.db);
    const fullName = await liveChange(0, "Live: cache the exchange rates");

    lines.length = 0;
    clock = new Date(now.getTime() + 60_000);
    const summary = await runSyncInline(deps(), capturingLogger(lines), { runId: "run-2" });
    expect(summary.failed).toEqual([]);
    const run = lines.find((l) => l.msg === "rollups recomputed");
    expect(run?.mode).toBe(mode.incremental);
    if (mode.incremental === "kept") {
      // The state kept from the first (full) rollup: only the repository with new rows is read.
      expect(run?.built).toBeUndefined();
      expect(run?.updatedRepos).toBe(1);
    } else {
      expect(run?.restrictedRepos).toBeGreaterThan(0);
    }

    const after = await storedRows(t.db);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const recomputed = [...after].filter(
      ([key, row]) => row.computedAt.getTime() !== before.get(key)?.computedAt.getTime(),
    );
    // The new change's repository, in the week it was deployed, is among them.
    const week = [...after.values()]
      .map((r) => r.week)
      .sort()
      .at(-1);
    expect(recomputed.map(([key]) => key)).toContain(`repo ${fullName} ${week}`);
    // Nothing else of another repository; a small share of all rows.
    const otherRepos = recomputed.filter(
      ([, r]) => r.groupKind === "repo" && r.groupName !== fullName && r.groupName !== "other",
    );
    expect(otherRepos.map(([key]) => key)).toEqual([]);
    expect(recomputed.length).toBe(run?.rows);
    expect(recomputed.length).toBeLessThan(after.size / 10);

    // Every stored row equals a full recompute of the stored data.
    const full = await fullRecompute();
    expect(full.size).toBe(after.size);
    for (const [key, figures] of full) expect(after.get(key)?.figures, key).toEqual(figures);
  }, 300_000);

  it("run again with nothing new, it evaluates and writes nothing", async () => {
    const before = await storedRows(t.db);
    clock = new Date(now.getTime() + 120_000);
    const run = await rollupWeeks(deps(), syncWeeks(deps()));
    expect(run).toMatchObject({ mode: mode.incremental, pairs: 0, rows: 0 });
    // Bad weeks are refused, naming the field, before anything is read or written.
    await expect(rollupWeeks(deps(), [])).rejects.toThrow(/weeks.*not ISO weeks/s);
    await expect(rollupWeeks(deps(), ["2026-47"])).rejects.toThrow(/2026-47/);
    expect(await storedRows(t.db)).toEqual(before);
    // As the worker's rollup scheduler enqueues it (no weeks: the sync window when it runs).
    const lines: LogLine[] = [];
    const context = { jobId: "scheduled", attempt: 1, logger: capturingLogger(lines), enqueue: async () => {} };
    await processors["rollups.recompute"]({ runId: "scheduled" }, context, deps());
    expect(lines.find((l) => l.msg === "rollups recomputed")).toMatchObject({ mode: mode.incremental, rows: 0 });
    expect(await storedRows(t.db)).toEqual(before);
  });

  it("a week later, with no new data: every group of the new week, and of weeks no longer provisional, equal to a full recompute", async () => {
    const before = await storedRows(t.db);
    clock = new Date(now.getTime() + 7 * 86_400_000);
    const weeks = syncWeeks(deps());
    const newWeek = weeks.at(-1) as string;
    expect([...before.values()].some((r) => r.week === newWeek)).toBe(false);
    const run = await rollupWeeks(deps(), weeks);
    expect(run.mode).toBe(mode.incremental);
    const after = await storedRows(t.db);
    const full = await fullRecompute();
    // The new week is there for every group the full report lists.
    for (const key of full.keys()) if (key.endsWith(` ${newWeek}`)) expect(after.has(key), key).toBe(true);
    // A week whose revert window closed during the week is final now: recomputed, not provisional.
    const finalised = [...after.values()].filter(
      (r) =>
        before.get(`${r.groupKind} ${r.groupName} ${r.week}`)?.figures.provisional === true &&
        r.figures.provisional === false,
    );
    expect(finalised.length).toBeGreaterThan(0);
    for (const [key, figures] of full) expect(after.get(key)?.figures, key).toEqual(figures);
  });

  it.runIf(mode.incremental === "kept")(
    "a restarted worker resumes from the stored state (no rebuild) and still writes only the group-weeks new data touched",
    async () => {
      const header = await readKeptHeader(t.db);
      expect(header?.factCount).toBeGreaterThan(0);
      memory = new RollupMemory();
      const before = await storedRows(t.db);
      await liveChange(1, "Live: retry the webhook deliveries");
      const run = await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 60_000), "run-3");
      expect(run).toMatchObject({ mode: "kept", restored: true, updatedRepos: 1 });
      expect(run?.built).toBeUndefined();
      expect(run?.rows).toBeGreaterThan(0);
      expect(run?.rows).toBeLessThan(before.size / 10);
      await expectEqualToFull();
      // The run saved what it changed over the generation it restored.
      expect((await readKeptHeader(t.db))?.generation).toBe((header?.generation ?? 0) + 1);
    },
    300_000,
  );

  it.runIf(mode.incremental === "kept")(
    "a stored state under another fingerprint, partial or corrupt is not used: the restarted worker rebuilds and saves it again",
    async () => {
      const cases: { spoil: string; reason: string }[] = [
        { spoil: "update rollup_kept set fingerprint = 'another configuration'", reason: "fingerprint" },
        {
          spoil:
            "delete from rollup_kept_facts where (kind, key) in (select kind, key from rollup_kept_facts where kind = 'change' limit 1)",
          reason: "partial",
        },
        {
          spoil: `update rollup_kept_facts set data = '["corrupt"]' where (kind, key) in (select kind, key from rollup_kept_facts where kind = 'deployment' limit 1)`,
          reason: "partial",
        },
      ];
      let minute = 4;
      for (const [i, c] of cases.entries()) {
        await t.handle.query(c.spoil);
        memory = new RollupMemory();
        await liveChange(i % 2, `Live: spoiled state ${i}`);
        const run = await syncAt(new Date(now.getTime() + 7 * 86_400_000 + minute++ * 60_000), `run-spoil-${i}`);
        expect(run, c.spoil).toMatchObject({ mode: "kept", restoreRefused: c.reason, built: true });
        await expectEqualToFull();
        // Saved whole again: the next restart resumes from it.
        const header = await readKeptHeader(t.db);
        expect(header?.fingerprint).not.toBe("another configuration");
        memory = new RollupMemory();
        await liveChange((i + 1) % 2, `Live: after the rebuild ${i}`);
        const resumed = await syncAt(new Date(now.getTime() + 7 * 86_400_000 + minute++ * 60_000), `run-resume-${i}`);
        expect(resumed).toMatchObject({ mode: "kept", restored: true });
        await expectEqualToFull();
      }
    },
    600_000,
  );

  it.runIf(mode.incremental === "kept")(
    "a process that does not persist leaves the stored state alone, and one whose generation is stale stops saving",
    async () => {
      const header = await readKeptHeader(t.db);
      // Two workers restore the same generation; the first to save wins, the other stops saving.
      const a = new RollupMemory();
      const b = new RollupMemory();
      memory = a;
      await liveChange(0, "Live: worker a");
      expect(await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 20 * 60_000), "run-a")).toMatchObject({
        restored: true,
      });
      expect(a.generation).toBe((header?.generation ?? 0) + 1);
      memory = b;
      b.kept = null;
      await liveChange(1, "Live: worker b");
      // b restores a's save (the newest), then saves over it.
      expect(await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 21 * 60_000), "run-b")).toMatchObject({
        restored: true,
      });
      expect(b.generation).toBe((header?.generation ?? 0) + 2);
      memory = a; // a's generation is stale now
      await liveChange(0, "Live: worker a again");
      expect(await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 22 * 60_000), "run-a2")).toMatchObject({
        mode: "kept",
      });
      expect(a.generation).toBeNull();
      expect((await readKeptHeader(t.db))?.generation).toBe((header?.generation ?? 0) + 2);
      await expectEqualToFull();
      const off = new RollupMemory({ persist: false });
      memory = off;
      await liveChange(1, "Live: not persisted");
      expect(await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 23 * 60_000), "run-off")).toMatchObject({
        built: true,
      });
      expect((await readKeptHeader(t.db))?.generation).toBe((header?.generation ?? 0) + 2);
      await expectEqualToFull();
    },
    600_000,
  );

  it.runIf(mode.incremental === "kept")(
    "when another process rolled up in between, the kept state catches up with what it did not see",
    async () => {
      const kept = memory;
      memory = undefined; // another process, keeping nothing
      await liveChange(0, "Live: page the exports");
      const other = await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 30 * 60_000), "run-4");
      expect(other?.mode).toBe("incremental");
      memory = kept;
      await liveChange(1, "Live: name the queues");
      const run = await syncAt(new Date(now.getTime() + 7 * 86_400_000 + 31 * 60_000), "run-5");
      // Both repositories changed since the state's last run: the other process's and the new one.
      expect(run).toMatchObject({ mode: "kept", updatedRepos: 2 });
      await expectEqualToFull();
      const again = await rollupWeeks(deps(), syncWeeks(deps()));
      expect(again).toMatchObject({ mode: "kept", pairs: 0, rows: 0 });
    },
    300_000,
  );

  it.runIf(mode.incremental === "kept")(
    "usage imports: the first makes every token flag known (a full recompute), a later one is rolled up from the kept state",
    async () => {
      const [person] = await listPeople(t.db);
      if (person === undefined) throw new Error("no people synced");
      const daysAgo = (n: number) => new Date(clock.getTime() - n * 86_400_000).toISOString().slice(0, 10);
      const usage = (day: string, tokensIn: number) => ({
        source: "claude-code-usage",
        identityKind: "login" as const,
        identityValue: person.id,
        personId: person.id,
        day,
        tool: "claude-code",
        tokensIn,
        tokensOut: 1_000,
        costUsd: 2.5,
      });
      await upsertUsage(t.db, [usage(daysAgo(1), 50_000)]);
      clock = new Date(clock.getTime() + 60_000);
      const first = await rollupWeeks(deps(), syncWeeks(deps()));
      expect(first.mode).toBe("full");
      await expectEqualToFull();
      const rows = (await storedRows(t.db)).size;

      await upsertUsage(t.db, [usage(daysAgo(2), 900_000)]);
      clock = new Date(clock.getTime() + 60_000);
      const second = await rollupWeeks(deps(), syncWeeks(deps()));
      expect(second.mode).toBe("kept");
      // The person's week: the org, their teams and each kind's "other".
      expect(second.rows).toBeGreaterThan(0);
      expect(second.rows).toBeLessThan(rows / 10);
      await expectEqualToFull();
    },
    300_000,
  );

  it.runIf(mode.incremental === "kept")(
    "a change stored late in a week before the hot weeks: the next rollup job stores what a full recompute does, and a second run changes nothing",
    async () => {
      memory = new RollupMemory(); // a worker that persists its state, bounded (the default)
      const hotFrom = hotFromWeek(metricsConfigOf(config), clock);
      const first = syncWeeks(deps())[0] as string;
      const week = (at: Date) => new WeekClock(config.timeZone).weekOf(at);
      // A credited, deployed pull request merged (and deployed) before the hot weeks, in the rollups' weeks.
      const candidates = await t.db
        .select()
        .from(changes)
        .where(
          and(eq(changes.kind, "pull_request"), isNotNull(changes.creditedPersonId), isNotNull(changes.deployedAt)),
        )
        .orderBy(desc(changes.mergedAt));
      const late = candidates.find(
        (c) => week(c.mergedAt) < hotFrom && week(c.deployedAt as Date) < hotFrom && week(c.mergedAt) > first,
      );
      if (late === undefined) throw new Error(`no deployed change merged between ${first} and ${hotFrom}`);
      // Not stored yet (its attribution had not run): every stored row from the data without it.
      await t.db.delete(changes).where(eq(changes.key, late.key));
      // Another fingerprint (a configuration changed and back): the next rollup is a full recompute.
      await t.handle.query(
        `update sync_cursors set state = jsonb_set(state, '{fingerprint}', '"${"0".repeat(64)}"') where scope = 'weekly_rollups'`,
      );
      clock = new Date(clock.getTime() + 60_000);
      expect(await rollupWeeks(deps(), syncWeeks(deps()))).toMatchObject({ mode: "full" });
      await expectEqualToFull();
      // Bounded: the old weeks are in storage only.
      const state = memory.kept?.state;
      if (state === undefined) throw new Error("the full recompute kept no state");
      expect(state.bound?.hotFrom).toBe(hotFrom);
      expect(holdsWeek(state, week(late.mergedAt))).toBe(false);
      const before = await storedRows(t.db);

      // Stored now.
      await upsertChanges(t.db, [{ ...late, updatedAt: new Date() }]);
      clock = new Date(clock.getTime() + 60_000);
      lines.length = 0;
      const context = { jobId: "late", attempt: 1, logger: capturingLogger(lines), enqueue: async () => {} };
      await processors["rollups.recompute"]({ runId: "late" }, context, deps());
      const run = lines.find((l) => l.msg === "rollups recomputed");
      expect(run).toMatchObject({ mode: "kept", updatedRepos: 1 });
      expect(run?.built).toBeUndefined();
      await expectEqualToFull();
      // The old weeks changed: the change's merge week (and deployment week) for its repository.
      const after = await storedRows(t.db);
      for (const w of [week(late.mergedAt), week(late.deployedAt as Date)]) {
        const key = `repo ${late.repo} ${w}`;
        expect(after.get(key)?.figures, key).not.toEqual(before.get(key)?.figures);
      }
      // Dropped again after the run: the state holds the hot weeks only.
      expect(memory.kept?.state.changeByKey.has(late.key)).toBe(false);
      expect(memory.kept?.state.bound?.paged.size).toBe(0);

      // Run again: nothing new, nothing written.
      clock = new Date(clock.getTime() + 60_000);
      const again = await rollupWeeks(deps(), syncWeeks(deps()));
      expect(again).toMatchObject({ mode: "kept", pairs: 0, rows: 0 });
      expect(await storedRows(t.db)).toEqual(after);
    },
    300_000,
  );

  it.runIf(mode.incremental === "kept")(
    "a bounded worker builds and rebuilds in parts: the rollups, their drill-down and the stored facts equal the whole build's, and a second run writes nothing",
    async () => {
      // Usage over the history, read two weeks at a time below: weeks in several ranges, two weeks
      // that meet between a Sunday and a Monday (ranges are whole ISO weeks), ranges with none.
      const people = (await listPeople(t.db)).slice(0, 3);
      expect(people.length).toBe(3);
      const dayOf = (n: number) => new Date(clock.getTime() - n * 86_400_000).toISOString().slice(0, 10);
      const sunday = [...Array(7).keys()].map((i) => 20 + i).find((n) => new Date(dayOf(n)).getUTCDay() === 0) ?? 20;
      const days = [3, 9, sunday, sunday - 1, sunday + 2, 60, 61, 130, 150];
      await upsertUsage(
        t.db,
        people.flatMap((person, p) =>
          days.map((n, i) => ({
            source: "csv",
            identityKind: "login" as const,
            identityValue: person.id,
            personId: person.id,
            day: dayOf(n + p),
            tool: i % 2 === 0 ? "copilot" : "claude-code",
            tokensIn: 10_000 * (i + 1) + p,
            tokensOut: 100,
            costUsd: i % 3 === 0 ? null : 0.1 * (i + 1),
          })),
        ),
      );
      // One repository per batch, two weeks of usage per range and three weeks per chunk: every
      // boundary a build in parts has.
      memory = new RollupMemory({ buildBatchRepos: 1, buildUsageWeeks: 2, buildChunkWeeks: 3 });
      await forgetFingerprint();
      clock = new Date(clock.getTime() + 60_000);
      const run = await rollupWeeks(deps(), syncWeeks(deps()));
      expect(run.buildUsageRanges).toBeGreaterThan(5);
      const usageWeeks = await t.db.select().from(rollupKeptFacts).where(eq(rollupKeptFacts.kind, "usage"));
      expect(usageWeeks.length).toBeGreaterThan(6);
      const meta = (await readKeptHeader(t.db))?.meta as { repos: string[] } | undefined;
      const repos = meta?.repos.length ?? 0;
      expect(repos).toBeGreaterThan(1);
      expect(run).toMatchObject({ mode: "full", buildBatches: repos });
      expect(run.buildChunks).toBe(Math.ceil(syncWeeks(deps()).length / 3));
      await expectEqualToFull();
      const parts = await storedWhole(t.db);
      const header = await readKeptHeader(t.db);
      // Held bounded, restored from what it stored.
      const state = memory.kept?.state;
      expect(state?.bound?.hotFrom).toBe(hotFromWeek(metricsConfigOf(config), clock));
      expect(memory.generation).toBe(header?.generation);

      // What crosses repositories is there: people merging in two repositories.
      const reposOf = new Map<string, Set<string>>();
      for (const row of await t.db.select().from(rollupKeptFacts).where(eq(rollupKeptFacts.kind, "change"))) {
        const [repo, person] = row.data as [string, string | null];
        if (person !== null) reposOf.set(person, (reposOf.get(person) ?? new Set()).add(repo));
      }
      expect([...reposOf.values()].filter((r) => r.size > 1).length).toBeGreaterThan(0);

      // The stored facts are a whole prepare's, in their places.
      const whole = keptFactRows(rollupState(prepareMetrics(await loadMetricsInput(t.db, config))));
      expect(parts.facts.size).toBe(whole.length);
      for (const row of whole) {
        const stored = JSON.parse(parts.facts.get(`${row.kind} ${row.key}`) ?? "null");
        expect(stored, `${row.kind} ${row.key}`).toEqual(JSON.parse(JSON.stringify(row)));
      }

      // The whole build (an unbounded worker's) of the same data stores the same.
      memory = new RollupMemory({ bounded: false });
      await forgetFingerprint();
      expect(await rollupWeeks(deps(), syncWeeks(deps()))).toMatchObject({ mode: "full" });
      const wholeBuild = await storedWhole(t.db);
      const wholeHeader = await readKeptHeader(t.db);
      for (const table of ["rollups", "changes", "deployments", "facts"] as const) {
        expect(parts[table].size, table).toBe(wholeBuild[table].size);
        for (const [key, row] of wholeBuild[table]) expect(parts[table].get(key), `${table} ${key}`).toBe(row);
      }
      expect(header).toMatchObject({ factCount: wholeHeader?.factCount, checksum: wholeHeader?.checksum });

      // Built in parts again over the whole build's state (a rebuild), then nothing new: nothing written.
      memory = new RollupMemory({ buildBatchRepos: 2, buildUsageWeeks: 3, buildChunkWeeks: 5 });
      await forgetFingerprint();
      expect(await rollupWeeks(deps(), syncWeeks(deps()))).toMatchObject({ mode: "full" });
      await expectEqualToFull();
      const before = await storedRows(t.db);
      const generation = memory.generation;
      clock = new Date(clock.getTime() + 60_000);
      expect(await rollupWeeks(deps(), syncWeeks(deps()))).toMatchObject({ mode: "kept", pairs: 0, rows: 0 });
      expect(await storedRows(t.db)).toEqual(before);
      // The stamp only (one small save over the build's generation).
      expect(memory.generation).toBe((generation ?? 0) + 1);

      // New data after the build: rolled up from the restored bounded state.
      await liveChange(0, "Live: after the build in parts");
      const after = await syncAt(new Date(clock.getTime() + 60_000), "run-parts");
      expect(after).toMatchObject({ mode: "kept", updatedRepos: 1 });
      await expectEqualToFull();
      const count = await t.db.select({ n: sql<number>`count(*)::int` }).from(rollupKeptFacts);
      expect(count[0]?.n).toBe((await readKeptHeader(t.db))?.factCount);
    },
    600_000,
  );
});
