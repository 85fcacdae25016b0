import { describe, expect, it } from "vitest";
import { inlineBaseline, rowDifferences, snapshot, stable, workerSync, worldMergedPulls } from "./harness.js";

const ctx = inlineBaseline(11);
const world = ctx.world;

describe("yardstick worker processes against the simulator, Redis and PostgreSQL", () => {
  it("the inline sync stores every merged pull request of the world", () => {
    expect(
      ctx.baseline.prs
        .map((row) => {
          const pr = JSON.parse(row) as { repo: string; number: number };
          return `${pr.repo}#${pr.number}`;
        })
        .sort(),
    ).toEqual(worldMergedPulls(world));
  });

  for (const processes of [1, 2, 4]) {
    it(`${processes} worker process(es) ingest the world to the same tables as the inline sync`, async () => {
      const { db, workers, follow, stop } = await workerSync(ctx, { processes });
      try {
        const run = await follow(`workers-${processes}`);
        expect(run.failed).toEqual([]);
        expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
        if (processes === 1) {
          // The worker kept its rollup state: the next sync's rollup starts from it (and, with
          // nothing new, writes nothing).
          const again = await follow("workers-1-again");
          expect(again.failed).toEqual([]);
          const rollups = (workers[0]?.output ?? "").split("\n").filter((l) => l.includes('"rollups recomputed"'));
          expect(rollups.at(-1)).toContain('"mode":"kept"');
          expect(rollups.at(-1)).toContain('"rows":0');
          expect(rowDifferences(stable(await snapshot(db.db)), ctx.baseline)).toEqual({});
        }
        if (processes > 1) {
          // Every process took work (the jobs were shared, not all run by one).
          for (const w of workers) expect(w.output, "a worker that never ran a job").toContain('"jobId":"');
        }
      } finally {
        await stop();
      }
    }, 180_000);
  }
});
