/**
 * Attribution throughput on one core: commits attributed per second, measured three ways on the
 * same lines, each against a baseline measured in the same run (a plain JSON.parse +
 * JSON.stringify pass over the same lines), so the figure travels between machines as a ratio.
 *
 *   taskset -c 0 pnpm exec tsx scripts/bench/attribution.ts [--lines 200000] [--no-cli]
 *
 * 1. engine: pre-parsed commits -> verdict (attributeLine), no JSON.
 * 2. line: JSON text -> validate -> verdict -> JSON text (processLine), what the command does per line.
 * 3. cli: the real `yardstick attribute --input FILE > /dev/null` in a child process (start-up included).
 *
 * Three input mixes with fresh ids: "corpus" and "typical" from the catalogue corpus (60% AI as
 * labelled; 85% human and bot, 15% AI: closer to a real organisation), and "real", the commits of
 * the real-commit corpus (packages/attribution/corpus/real: public repositories' own messages,
 * squash bodies included) in turn.
 *   --mix real        only that mix (repeatable: --mix corpus --mix real)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AttributeLine,
  attributeLine,
  compileRules,
  parseAttributeLine,
  parseCorpusCase,
  parseRealCorpus,
  processLine,
} from "@yardstick/attribution";

const args = process.argv.slice(2);
const linesArg = args.indexOf("--lines");
const N = linesArg === -1 ? 200_000 : Number(args[linesArg + 1]);
const withCli = !args.includes("--no-cli");
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const corpus = readFileSync(join(root, "packages/attribution/testdata/corpus.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l, i) => parseCorpusCase(JSON.parse(l), i + 1));
const realDir = join(root, "packages/attribution/corpus/real");
const real = readdirSync(realDir)
  .filter((f) => f.endsWith(".jsonl"))
  .sort()
  .flatMap((f) => parseRealCorpus(readFileSync(join(realDir, f), "utf8"), f))
  .map((c) => c.input);
const mixes = args.flatMap((a, i) => (a === "--mix" ? [args[i + 1] ?? ""] : []));
const nonAi = corpus.filter((c) => c.expected.class !== "ai");
const isAi = corpus.filter((c) => c.expected.class === "ai");

function build(mix: "corpus" | "typical" | "real"): string[] {
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const pool: AttributeLine[] = mix === "real" ? real : mix === "corpus" ? corpus : i % 20 < 3 ? isAi : nonAi;
    const c = pool[(i * 7919) % pool.length];
    if (c === undefined) throw new Error("empty corpus");
    const { expected: _expected, ...line } = c as AttributeLine & { expected?: unknown };
    out.push(JSON.stringify({ ...line, id: `${(i * 2654435761) >>> 0}`.padStart(10, "0") }));
  }
  return out;
}

/**
 * CPU seconds (user + system) of the best of `repeats` runs. CPU time, not wall time: this
 * machine is shared, and CPU time is what "per second on one core" means (run under
 * `taskset -c 0` so GC helper threads share that core too).
 */
function time(fn: () => void, repeats = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

const rules = compileRules();
const ctx = { rules };
let sink = 0;
const rate = (seconds: number) => Math.round(N / seconds);
const fmt = (x: number) => x.toLocaleString("en-US");

console.log(`# attribution benchmark: ${fmt(N)} lines, node ${process.version}, rules ${rules.version}`);
const results: string[] = [];
for (const mix of (["corpus", "typical", "real"] as const).filter((m) => mixes.length === 0 || mixes.includes(m))) {
  const lines = build(mix);
  const parsed: AttributeLine[] = lines.map((l) => {
    const r = parseAttributeLine(JSON.parse(l));
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
  const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
  // Warm up the JIT on every path.
  for (let i = 0; i < 20_000; i++) {
    sink += processLine(lines[i % lines.length] ?? "", i, ctx).output.length;
  }
  const baseline = time(() => {
    for (const l of lines) sink += JSON.stringify(JSON.parse(l)).length;
  });
  const engine = time(() => {
    for (const c of parsed) sink += attributeLine(c, ctx).evidence.length;
  });
  const line = time(() => {
    for (let i = 0; i < lines.length; i++) sink += processLine(lines[i] ?? "", i + 1, ctx).output.length;
  });
  results.push(
    `| ${mix} | ${(bytes / N).toFixed(0)} B | ${fmt(rate(baseline))}/s | ${fmt(rate(engine))}/s | ${fmt(rate(line))}/s | ${(baseline / line).toFixed(2)} |`,
  );
  console.log(
    `${mix}: baseline JSON.parse+stringify ${fmt(rate(baseline))}/s; engine ${fmt(rate(engine))}/s; line (parse+validate+attribute+stringify) ${fmt(rate(line))}/s = ${(baseline / line).toFixed(2)}x the baseline's throughput`,
  );

  if (withCli) {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-bench-"));
    try {
      const file = join(dir, "commits.jsonl");
      writeFileSync(file, `${lines.join("\n")}\n`);
      // CPU seconds of the child (user + system) via /usr/bin/time when present, else wall time.
      const hasTime = existsSync("/usr/bin/time");
      const cli = (extra: string[]) => {
        const command = [process.execPath, "--import", "tsx", "services/cli/src/main.ts", ...extra];
        const start = process.hrtime.bigint();
        const r = hasTime
          ? spawnSync("/usr/bin/time", ["-f", "cpu %U %S", ...command], {
              cwd: root,
              stdio: ["ignore", "ignore", "pipe"],
              encoding: "utf8",
            })
          : spawnSync(command[0] ?? "node", command.slice(1), {
              cwd: root,
              stdio: ["ignore", "ignore", "pipe"],
              encoding: "utf8",
            });
        const wall = Number(process.hrtime.bigint() - start) / 1e9;
        if (r.status !== 0) throw new Error(`yardstick ${extra.join(" ")} exited ${r.status}: ${r.stderr}`);
        const m = /cpu ([0-9.]+) ([0-9.]+)\s*$/.exec(r.stderr ?? "");
        return m ? Number(m[1]) + Number(m[2]) : wall;
      };
      const startup = Math.min(cli(["--version"]), cli(["--version"]));
      const whole = Math.min(cli(["attribute", "--input", file]), cli(["attribute", "--input", file]));
      const unit = hasTime ? "CPU s" : "s (wall)";
      console.log(
        `${mix}: cli attribute --input (${(bytes / 1e6).toFixed(0)} MB) ${whole.toFixed(2)} ${unit} incl. ${startup.toFixed(2)} ${unit} start-up = ${fmt(rate(whole))}/s end to end, ${fmt(rate(whole - startup))}/s after start-up`,
      );
      results.push(
        `| ${mix}, real command | | | | | ${fmt(rate(whole - startup))}/s after start-up (${fmt(rate(whole))}/s end to end) |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log("\n| mix | avg line | baseline parse+stringify | engine only | full line | full line / baseline |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of results) console.log(r);
if (sink === -1) console.log("");
