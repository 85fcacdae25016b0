import { presetOptions } from "./presets.js";
import { generateWorldFile } from "./write-file.js";

/**
 * `node --import tsx packages/github-sim/src/generator/main.ts SIZE SEED OUT.jsonl`: writes a
 * generated world (SIZE: small, demo, medium, large or a number of merged PRs).
 */
const [size = "small", seed = "1", out = "world.jsonl"] = process.argv.slice(2);
const started = process.hrtime.bigint();
const records = await generateWorldFile(presetOptions(size, Number(seed)), out);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ size, seed: Number(seed), out, records, seconds: Math.round(seconds * 10) / 10 }));
