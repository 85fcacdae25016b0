/**
 * Scores the attribution engine on the labelled corpus and prints the figures and the confusion
 * matrix per tool (Markdown, ready for docs/attribution.md).
 *
 *   pnpm exec tsx scripts/attribution-eval.ts [corpus.jsonl] [--threshold high|medium|low]
 *   pnpm exec tsx scripts/attribution-eval.ts --rules-table   (the built-in rules as a Markdown table)
 *   pnpm exec tsx scripts/attribution-eval.ts --real [--failures]  (the real-commit corpus, corpus/real)
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compileRules,
  confusionTable,
  evaluateCorpus,
  evaluateReal,
  parseCorpusCase,
  parseRealCorpus,
  realGroupTable,
} from "@yardstick/attribution";
import { Confidence } from "@yardstick/core";

const args = process.argv.slice(2);
if (args.includes("--rules-table")) {
  const rules = compileRules();
  const cell = (x: string) => x.replaceAll("|", "\\|").replaceAll("\n", " ");
  console.log(`Rule set ${rules.version}: ${rules.rules.length} rules.\n`);
  console.log("| rule id | kind | tool | field | match | confidence | subtype | why |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rules.rules) {
    const match =
      r.identity === null
        ? `\`${cell(r.regex?.source.replace(/^\^\[ \\t\]\*\(\?:\[\*-\]\[ \\t\]\+\)\?\(\?:(.*)\)$/, "^$1") ?? "")}\``
        : Object.entries(r.identity)
            .map(([k, v]) => `${k} \`${cell(String(v))}\``)
            .join(", ");
    const kind = r.kind === "bot" && r.dualUse ? "bot (dual-use)" : r.kind;
    console.log(
      `| ${r.id} | ${kind} | ${r.tool ?? ""} | ${r.field} | ${match} | ${r.kind === "ai" ? r.confidence : ""} | ${r.kind === "ai" ? r.subtype : ""} | ${cell(r.description)} |`,
    );
  }
  process.exit(0);
}
if (args.includes("--real")) {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../packages/attribution/corpus/real");
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .flatMap((f) => parseRealCorpus(readFileSync(resolve(dir, f), "utf8"), f));
  const rules = compileRules();
  const e = evaluateReal(cases, { rules });
  const fmt = (s: { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number }) =>
    `precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn}, tn ${s.tn})`;
  console.log(`# Real commits: ${e.total} commits from ${e.repos} repositories, rules ${rules.version}`);
  console.log(`labelled ai ${e.byClass.ai}, human ${e.byClass.human}, bot ${e.byClass.bot}\n`);
  console.log(`AI-assisted (class ai, any confidence): ${fmt(e.detection)}`);
  for (const t of ["high", "medium", "low"] as const) console.log(`  at threshold ${t}: ${fmt(e.perThreshold[t])}`);
  console.log(`right tool: ${e.tool.correct}/${e.tool.total} = ${e.tool.rate.toFixed(3)}`);
  console.log(`human vs bot right: ${e.nonAiClass.correct}/${e.nonAiClass.total} = ${e.nonAiClass.rate.toFixed(3)}\n`);
  console.log(`${realGroupTable("tool (or class)", e.byTool)}\n`);
  console.log(`${realGroupTable("class:signal family", e.byFamily)}\n`);
  if (args.includes("--repos")) console.log(`${realGroupTable("repository", e.byRepo)}\n`);
  console.log(`${e.failures.length} case(s) differ from their label`);
  if (args.includes("--failures")) {
    for (const f of e.failures) {
      console.log(
        `- ${f.repo} ${f.sha.slice(0, 10)}: label ${f.label.class}/${f.label.tool ?? "-"} (${f.label.family}: ${f.reason}); got ${f.got.class}/${f.got.tool ?? "-"}/${f.got.confidence ?? "-"} [${f.signals.join(", ")}]`,
      );
    }
  }
  process.exit(0);
}
const thresholdAt = args.indexOf("--threshold");
const threshold = Confidence.parse(thresholdAt === -1 ? "high" : args[thresholdAt + 1]);
const file =
  args.find((a, i) => !a.startsWith("--") && i !== thresholdAt + 1) ??
  resolve(dirname(fileURLToPath(import.meta.url)), "../packages/attribution/testdata/corpus.jsonl");

const cases = readFileSync(file, "utf8")
  .split("\n")
  .map((line, i) => [line, i + 1] as const)
  .filter(([line]) => line.trim() !== "")
  .map(([line, n]) => parseCorpusCase(JSON.parse(line), n));

const rules = compileRules();
const e = evaluateCorpus(cases, { rules }, threshold);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fmt = (s: { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number }) =>
  `precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn}, tn ${s.tn})`;

console.log(`# Attribution corpus: ${file}`);
console.log(
  `rules ${rules.version}; ${e.total} cases: ai ${e.byClass.ai}, human ${e.byClass.human}, bot ${e.byClass.bot}\n`,
);
console.log(`AI-assisted at threshold ${threshold}: ${fmt(e.atThreshold)}`);
for (const t of ["high", "medium", "low"] as const) console.log(`  at threshold ${t}: ${fmt(e.perThreshold[t])}`);
console.log(`every labelled AI case at threshold ${threshold} (honesty figure): ${fmt(e.anyAiAtThreshold)}`);
console.log(`right tool: ${e.tool.correct}/${e.tool.total} = ${pct(e.tool.rate)} of AI cases`);
console.log(
  `labelled confidence reproduced: ${e.confidence.correct}/${e.confidence.total} = ${pct(e.confidence.rate)}`,
);
console.log(`non-AI cases with any (low) AI evidence: ${e.lowFalseAlarms}\n`);
console.log("Confusion matrix (rows: expected tool or class; columns: predicted, any confidence):\n");
console.log(confusionTable(e.confusion));
if (e.failures.length > 0) {
  console.log(`\n${e.failures.length} case(s) differ from their label:`);
  for (const f of e.failures) {
    console.log(
      `- ${f.id}: expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.got)} [${f.signals.join(", ")}]`,
    );
  }
}
