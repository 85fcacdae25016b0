import { describe, expect, it } from "vitest";
import { MemoryKeptFacts } from "./bounded.js";
import { type EvaluatedGroupWeek, evaluateStoredWeeks, KeptBuild } from "./build.js";
import { evaluateGroups } from "./compute.js";
import type { MetricsInput } from "./inputs.js";
import { type KeptFactRow, keptFactRows, keptMetaOf } from "./kept-facts.js";
import { prepareMetrics } from "./prepare.js";
import { rollupState } from "./restrict.js";
import { syntheticInput } from "./synthetic.js";

/**
 * A build in parts (build.ts, issue 18) gives what a whole build gives: the kept facts of every
 * repository batch, in their places, and every group-week's figures evaluated chunk by chunk from
 * those stored facts.
 */

const base = syntheticInput({ changes: 3000, engineers: 50, weeks: 30, seed: 5 }).input;
const now = new Date("2026-11-21T00:00:00Z");
const weeks: string[] = [];
{
  const clock = prepareMetrics({ ...base, changes: [], deployments: [] }).clock;
  for (let w = "2026-W17"; w <= "2026-W47"; w = clock.shift(w, 1)) weeks.push(w);
}

/**
 * The world with what crosses repositories, if anything would: a person merging in two
 * repositories, a revert in one repository naming a change of another by commit and by title
 * (reverts resolve within a repository), an incident naming a commit of one repository from
 * another.
 */
function world(): MetricsInput {
  const input = structuredClone(base);
  const [a, b] = [...input.repos].sort() as [string, string];
  const target = input.changes.find((c) => c.repo === a && c.personId !== null) as MetricsInput["changes"][number];
  const other = input.changes.find((c) => c.repo === b && c.personId !== null) as MetricsInput["changes"][number];
  other.title = `Revert "${target.title}"`;
  other.body = `This reverts commit ${target.landingShas[0]}.`;
  const deployment = input.deployments.find((d) => d.repo === a) as MetricsInput["deployments"][number];
  input.incidents = [
    {
      repo: b,
      deploymentId: null,
      sha: deployment.sha,
      openedAt: new Date(deployment.createdAt.getTime() + 86_400_000),
    },
    {
      repo: a,
      deploymentId: null,
      sha: deployment.sha,
      openedAt: new Date(deployment.createdAt.getTime() + 86_400_000),
    },
  ];
  return input;
}

/** `input` cut to `repos` (whole), without usage: what the worker loads for one batch. */
function batchOf(input: MetricsInput, repos: readonly string[]): MetricsInput {
  const only = new Set(repos);
  return {
    ...input,
    changes: input.changes.filter((c) => only.has(c.repo)),
    deployments: input.deployments.filter((d) => only.has(d.repo)),
    commitGraphs: Object.fromEntries(Object.entries(input.commitGraphs).filter(([repo]) => only.has(repo))),
    incidents: input.incidents.filter((i) => only.has(i.repo)),
    repos: input.repos.filter((r) => only.has(r)),
    reposWithoutDeploymentSignal: input.reposWithoutDeploymentSignal.filter((r) => only.has(r)),
    usage: [],
  };
}

function buildInParts(input: MetricsInput, perBatch: number): { build: KeptBuild; rows: KeptFactRow[] } {
  const build = new KeptBuild();
  const repos = [...input.repos].sort();
  const rows: KeptFactRow[] = [];
  for (let i = 0; i < repos.length; i += perBatch)
    rows.push(...build.addRepositories(batchOf(input, repos.slice(i, i + perBatch))));
  rows.push(...build.addUsage(input));
  return { build, rows };
}

const byKey = (rows: readonly KeptFactRow[]) =>
  new Map(rows.map((r) => [`${r.kind} ${r.key}`, JSON.stringify(r)] as const));

describe("a kept state built in parts", () => {
  const input = world();
  const prep = prepareMetrics(input);

  it("the world has what could cross repositories", () => {
    const repos = new Map<string, Set<string>>();
    for (const c of input.changes)
      if (c.personId !== null) repos.set(c.personId, (repos.get(c.personId) ?? new Set()).add(c.repo));
    expect([...repos.values()].some((r) => r.size > 1)).toBe(true);
    expect(prep.changes.some((f) => f.revert)).toBe(true);
    expect(prep.deployments.some((d) => d.failureReasons.includes("incident"))).toBe(true);
  });

  it.each([1, 3, 1000])(
    "batches of %i repositories give every fact row of the whole prepare, in its place",
    (perBatch) => {
      const { build, rows } = buildInParts(input, perBatch);
      const whole = keptFactRows(rollupState(prep));
      expect(rows.length).toBe(whole.length);
      expect(byKey(rows)).toEqual(byKey(whole));
      expect(build.meta()).toEqual(keptMetaOf(prep));
      expect(build.reportNotes(prep.config.timeZone)).toEqual({
        timeZone: prep.config.timeZone,
        reposWithoutDeploymentSignal: [...prep.reposWithoutSignal].sort(),
        ...prep.notes,
      });
    },
  );

  it("the generator handing each repository over as it goes gives the same world, never collected whole", () => {
    const parts: MetricsInput["changes"][] = [];
    const deployments: MetricsInput["deployments"] = [];
    const graphs: MetricsInput["commitGraphs"] = {};
    const streamed = syntheticInput({
      changes: 3000,
      engineers: 50,
      weeks: 30,
      seed: 5,
      onRepository: (part) => {
        parts.push(part.changes);
        deployments.push(...part.deployments);
        graphs[part.repo] = part.commitGraph;
      },
    });
    expect(streamed.input.changes).toEqual([]);
    expect(streamed.input.deployments).toEqual([]);
    expect({ ...streamed.input, changes: parts.flat(), deployments, commitGraphs: graphs }).toEqual(base);
  });

  it("refuses batches out of repository order, and a batch with usage", () => {
    const repos = [...input.repos].sort();
    const build = new KeptBuild();
    build.addRepositories(batchOf(input, repos.slice(1, 2)));
    expect(() => build.addRepositories(batchOf(input, repos.slice(0, 1)))).toThrow(/repository order/);
    expect(() => build.addRepositories({ ...batchOf(input, repos.slice(2, 3)), usage: input.usage })).toThrow(
      /noUsage/,
    );
  });

  /** Every group-week evaluated from the stored rows, chunk by chunk. */
  async function stored(
    of: MetricsInput,
    rows: readonly KeptFactRow[],
    meta: ReturnType<KeptBuild["meta"]>,
    chunkWeeks: number,
    wanted = weeks,
  ) {
    const store = new MemoryKeptFacts();
    store.write(JSON.parse(JSON.stringify(rows)));
    const out = new Map<string, string>();
    let emitted = 0;
    const chunks = await evaluateStoredWeeks(
      { config: of.config, roster: of.roster, meta },
      wanted,
      { now, viewerIsAdmin: true, chunkWeeks },
      store,
      async (_ctx, evaluated: EvaluatedGroupWeek[]) => {
        emitted += 1;
        for (const e of evaluated) {
          const key = `${e.kind} ${e.name} ${e.week}`;
          expect(out.has(key), key).toBe(false);
          out.set(key, JSON.stringify(e.figures));
        }
      },
    );
    return { out, chunks, emitted };
  }

  function whole(of: MetricsInput, wanted = weeks): Map<string, string> {
    // The range of the weeks asked for, as the worker's full rollup evaluates it.
    const range = weeks.filter((w) => w >= (wanted[0] as string) && w <= (wanted.at(-1) as string));
    const groups = evaluateGroups(prepareMetrics(of), range, {
      from: range[0] as string,
      to: range.at(-1) as string,
      now,
      viewerIsAdmin: true,
    });
    const out = new Map<string, string>();
    for (const g of groups)
      for (const w of g.weeks) if (wanted.includes(w.week)) out.set(`${g.kind} ${g.name} ${w.week}`, JSON.stringify(w));
    return out;
  }

  it.each([1, 4, 100])(
    "every group-week evaluated from the stored facts in chunks of %i weeks equals the whole evaluation",
    async (chunkWeeks) => {
      const { build, rows } = buildInParts(input, 3);
      const { out, chunks } = await stored(input, rows, build.meta(), chunkWeeks);
      expect(chunks).toBe(Math.ceil(weeks.length / chunkWeeks));
      const expected = whole(input);
      expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
    },
  );

  it('a kind that folds a group into "other" only in late weeks lists "other" in every week, as the whole evaluation does', async () => {
    // Groups of at least 3 people; one team shrinks to one person in the last weeks.
    const late = structuredClone(input);
    late.config = { ...late.config, thresholds: { ...late.config.thresholds, minGroupSize: 3 } };
    const sizes = new Map<string, string[]>();
    for (const p of late.roster) for (const m of p.teams) sizes.set(m.team, [...(sizes.get(m.team) ?? []), p.id]);
    const [team, members] = [...sizes].find(([, ids]) => ids.length >= 4) as [string, string[]];
    for (const p of late.roster) {
      if (members.slice(1).includes(p.id))
        p.teams = p.teams.map((m) => (m.team === team ? { ...m, to: new Date("2026-10-26T00:00:00Z") } : m));
    }
    const expected = whole(late);
    const otherWeeks = [...expected.keys()].filter((k) => k.startsWith("team other "));
    expect(otherWeeks.length).toBe(weeks.length);
    // Not folded in the first weeks (the "other" rows kept until the end say so), folded later.
    expect(JSON.parse(expected.get(`team other ${weeks[0]}`) as string).suppressed).toBe(true);
    expect(JSON.parse(expected.get(`team ${team} ${weeks.at(-1)}`) as string).suppressed).toBe(true);
    const { build, rows } = buildInParts(late, 5);
    const { out, emitted, chunks } = await stored(late, rows, build.meta(), 4);
    expect(emitted).toBe(chunks + 1);
    expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
  });

  it("only the weeks asked for are emitted, folds decided over their whole range", async () => {
    const wanted = [weeks[2], weeks[9], weeks[20]] as string[];
    const { build, rows } = buildInParts(input, 3);
    const { out } = await stored(input, rows, build.meta(), 4, wanted);
    const expected = whole(input, wanted);
    expect([...out.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, figures] of expected) expect(`${key} ${out.get(key)}`).toBe(`${key} ${figures}`);
  });
});
