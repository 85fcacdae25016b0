import { loadWorld } from "./stream.js";

/**
 * `node --import tsx packages/github-sim/src/world/load-bench.ts WORLD.jsonl [--validate] [--truth]`:
 * loads a world file into memory and prints counts, time and memory (for docs/benchmarks.md).
 */
const [path, ...flags] = process.argv.slice(2);
if (!path) throw new Error("usage: load-bench.ts WORLD.jsonl [--validate] [--truth]");
const started = process.hrtime.bigint();
const world = await loadWorld(path, { validate: flags.includes("--validate"), truth: flags.includes("--truth") });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
let pulls = 0;
let merged = 0;
for (const repo of world.repos()) {
  const name = `${repo.org}/${repo.name}`;
  pulls += world.pullCount(name);
}
const sample = world.repos()[0];
if (sample) for (const p of world.pulls(`${sample.org}/${sample.name}`)) if (p.mergedAt) merged += 1;
const mem = process.memoryUsage();
console.log(
  JSON.stringify({
    path,
    seconds: Math.round(seconds * 10) / 10,
    repos: world.repos().length,
    users: world.users().length,
    pulls,
    mergedInFirstRepo: merged,
    packedMiB: Math.round(world.packedBytes() / 2 ** 20),
    heapUsedMiB: Math.round(mem.heapUsed / 2 ** 20),
    externalMiB: Math.round(mem.external / 2 ** 20),
    rssMiB: Math.round(mem.rss / 2 ** 20),
  }),
);
