import type { Config } from "@yardstick/config";
import { isoWeekOf } from "@yardstick/core";
import { type Database, listPeople } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { GAMER_STRATEGIES, type GamerStrategy, generateWorld, presetOptions, World } from "@yardstick/github-sim";
import { computeMetrics, type MetricsInput, type MetricsOutput, type WeekFigures } from "@yardstick/metrics";
import { loadMetricsInput, parseUsage, storeUsage } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncWorldForTest } from "./sync-world.js";
import { configForWorld } from "./world-config.js";

/**
 * Gaming resistance, end to end (issue 19): a small world with one gamer per strategy (the
 * generator's `gamers` option, with ground truth), served by the simulator, synced by the real
 * pipeline (GitHub client, inline runner, attribution, PostgreSQL), its usage imported as a CSV
 * through the usage import, and the figures computed from what the database holds. For each
 * strategy the test asserts the bound the contract promises, against the same input without that
 * gamer's gaming work (the counterfactual), and that its flag fires for the gamer's person-week.
 * It also measures the flags on the honest people around them. The figures it logs are the table
 * in docs/metrics.md ("How the metrics resist gaming").
 */

const TOKEN = "test-token";
const STRATEGIES: readonly GamerStrategy[] = GAMER_STRATEGIES;
const world = World.from(generateWorld({ ...presetOptions("small", 7), engineers: 40, gamers: STRATEGIES }), {
  truth: true,
});
const now = new Date(world.header.now);
const config: Config = configForWorld(world);
const truth = [...world.truthChanges()];
const gamersOf = new Map<GamerStrategy, string[]>();
for (const p of world.truthPeople()) {
  if (p.gaming !== null) gamersOf.set(p.gaming, [...(gamersOf.get(p.gaming) ?? []), p.login]);
}
/** Gamers' person ids (the figures name people by id), filled once the world is synced. */
const gamerIds = new Map<GamerStrategy, string[]>();
const allGamers = new Set<string>();

async function sync(db: Database): Promise<void> {
  const { summary } = await syncWorldForTest({
    world,
    db,
    config,
    token: TOKEN,
    now,
    runId: "gamers",
    simulator: { seed: 3 },
  });
  expect(summary.failed).toEqual([]);
  // The world's usage, as the organisation would export it, through the usage import.
  const csv = [
    "login,day,tool,tokens_in,tokens_out,cost_usd",
    ...world.usage().map((u) => `${u.login},${u.day},${u.tool},${u.tokensIn},${u.tokensOut},${u.costUsd ?? ""}`),
  ].join("\n");
  const parsed = parseUsage(csv, { fileName: "usage.csv" });
  expect(parsed.errors).toEqual([]);
  await storeUsage(db, parsed.rows);
}

describe("gamer worlds through the real pipeline: each strategy against the contract", () => {
  let t: TestDatabase;
  let input: MetricsInput;
  let full: MetricsOutput;
  const FROM = isoWeekOf(new Date(world.header.start), "UTC");
  const TO = isoWeekOf(new Date(now.getTime() - 86_400_000), "UTC");
  const run = (i: MetricsInput) => computeMetrics(i, { from: FROM, to: TO, now, viewerIsAdmin: true, kinds: ["org"] });
  const org = (out: MetricsOutput): WeekFigures[] => out.groups.find((g) => g.kind === "org")?.weeks ?? [];
  /** The input without a strategy's gaming work: what the organisation would have shipped honestly. */
  const without = (strategy: GamerStrategy): MetricsInput => {
    const logins = new Set(gamersOf.get(strategy) ?? []);
    const ids = new Set(gamerIds.get(strategy) ?? []);
    const keys = new Set(truth.filter((c) => c.gaming && logins.has(c.credited ?? "")).map((c) => c.key));
    return {
      ...input,
      changes: input.changes.filter((c) => !keys.has(c.key)),
      usage: strategy === "token-heavy" ? input.usage.filter((u) => !ids.has(u.personId)) : input.usage,
    };
  };
  const table: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    await sync(t.db);
    input = await loadMetricsInput(t.db, config);
    const idByLogin = new Map<string, string>();
    for (const p of await listPeople(t.db)) for (const login of p.logins) idByLogin.set(login.toLowerCase(), p.id);
    for (const [strategy, logins] of gamersOf) {
      const ids = logins.map((l) => idByLogin.get(l.toLowerCase()) ?? `unknown:${l}`);
      gamerIds.set(strategy, ids);
      for (const id of ids) allGamers.add(id);
    }
    full = run(input);
  }, 600_000);
  afterAll(async () => {
    await t?.drop();
    // The measured table of docs/metrics.md "How the metrics resist gaming".
    console.log(JSON.stringify(table, null, 1));
  });

  it("the synced world has every gamer and their gaming work", () => {
    expect([...gamersOf.keys()].sort()).toEqual([...STRATEGIES].sort());
    const synced = new Set(input.changes.map((c) => c.key));
    const gaming = truth.filter((c) => c.gaming);
    expect(gaming.length).toBeGreaterThan(100);
    expect(gaming.every((c) => synced.has(c.key))).toBe(true);
  });

  it.each(STRATEGIES)("%s: the figures move no more than the contract allows, and a flag names the gamer", (s) => {
    const people = gamerIds.get(s) ?? [];
    expect(people.every((p) => !p.startsWith("unknown:"))).toBe(true);
    const cf = org(run(without(s)));
    const weeks = org(full);
    let maxNd = 0;
    let maxAind = 0;
    let boundOk = true;
    weeks.forEach((w, i) => {
      const c = cf[i] as WeekFigures;
      const dNd = (w.nd ?? 0) - (c.nd ?? 0);
      const dAind = (w.aind ?? 0) - (c.aind ?? 0);
      maxNd = Math.max(maxNd, dNd);
      maxAind = Math.max(maxAind, dAind);
      // Never more than the cap per gamer over the active engineers.
      const bound = (people.length * input.config.thresholds.weeklyCap) / Math.max(1, w.activeEngineers ?? 1) + 1e-9;
      if (dNd > bound || dAind > bound) boundOk = false;
    });
    expect(boundOk).toBe(true);
    if (s === "burst" || s === "revert-churn" || s === "agent-revert-churn" || s === "token-heavy") {
      // Trivial work, reverted work, reverts and tokens never move ND or AIND.
      expect({ maxNd, maxAind }).toEqual({ maxNd: 0, maxAind: 0 });
    }
    // The flags the gamer's person-weeks raise.
    const flagged = new Set<string>();
    let gamerWeeks = 0;
    for (const w of weeks) {
      const named = w.flags.named;
      if (named === null) continue;
      for (const [flag, list] of Object.entries(named)) if (list.some((p) => people.includes(p))) flagged.add(flag);
      if (Object.values(named).some((list) => list.some((p) => people.includes(p)))) gamerWeeks += 1;
    }
    const expectedFlag: Partial<Record<GamerStrategy, string>> = {
      burst: "trivialShare",
      spike: "volumeSpike",
      "revert-churn": "highRevertShare",
      "agent-revert-churn": "highRevertShare",
      "self-merge": "selfMergedAi",
      "token-heavy": "tokenHeavyNothingShipped",
      splitting: "volumeSpike",
    };
    const want = expectedFlag[s];
    if (want !== undefined) expect([...flagged]).toContain(want);
    table.push({ strategy: s, maxNdRise: maxNd, maxAindRise: maxAind, flags: [...flagged].sort(), gamerWeeks });
  });

  /** Per flag, the honest person-weeks it names, and how many honest person-weeks there are. */
  const honestFlags = () => {
    // Gamers are active every week (the generator keeps them rostered, on no leave): the rest are honest.
    let honest = 0;
    const fired = new Map<string, number>();
    for (const w of org(full)) {
      honest += (w.activeEngineers ?? 0) - allGamers.size;
      for (const [flag, list] of Object.entries(w.flags.named ?? {})) {
        fired.set(flag, (fired.get(flag) ?? 0) + list.filter((p) => !allGamers.has(p)).length);
      }
    }
    return { honest, fired };
  };

  it("flags fire on under 2% of the honest person-weeks around the gamers", () => {
    const { honest, fired } = honestFlags();
    table.push({ honestPersonWeeks: honest, flagsOnHonest: Object.fromEntries(fired) });
    expect(honest).toBeGreaterThan(150);
    for (const [flag, n] of fired) {
      expect({ flag, under2pct: n / honest < 0.02 }).toEqual({ flag, under2pct: true });
    }
  });

  // The sync reads reviews for Bot-opened PRs and, through sync.reviews, for every AI-assisted
  // change merged by its credited person: without them every such PR would look unreviewed (it
  // named 20 of 210 honest person-weeks here before sync.reviews).
  it("selfMergedAi fires on under 2% of the honest person-weeks (reviews of self-merged AI PRs are synced)", () => {
    const { honest, fired } = honestFlags();
    expect((fired.get("selfMergedAi") ?? 0) / honest).toBeLessThan(0.02);
  });

  it("splitting: measured, a flag of its own would add nothing the volume spike and the cap do not", () => {
    // Candidate: a person-week with at least 8 small non-trivial changes (6-20 lines) deployed.
    const splitters = new Set(gamerIds.get("splitting") ?? []);
    const small = new Map<string, number>();
    for (const c of input.changes) {
      const lines = c.additions + c.deletions;
      if (c.personId === null || lines <= 5 || lines > 20) continue;
      const k = `${c.personId} ${isoWeekOf(c.mergedAt, "UTC")}`;
      small.set(k, (small.get(k) ?? 0) + 1);
    }
    let honestOver = 0;
    let gamerOver = 0;
    for (const [k, n] of small) {
      if (n < 8) continue;
      const person = k.split(" ")[0] as string;
      if (splitters.has(person)) gamerOver += 1;
      else if (!allGamers.has(person)) honestOver += 1;
    }
    table.push({ splittingCandidate: { gamerWeeks: gamerOver, honestWeeks: honestOver } });
    expect(gamerOver).toBeGreaterThan(0);
  });
});
