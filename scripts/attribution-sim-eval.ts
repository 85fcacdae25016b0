/**
 * An independent check of the attribution engine: generates a simulator world (the github-sim
 * generator, written separately from the rules, with ground truth per change) and scores every
 * merged PR and direct push: AI-assisted at the default threshold against the truth's
 * `markerConfidence`, the principal tool, the class of non-AI work, and the credited person.
 *
 *   pnpm exec tsx scripts/attribution-sim-eval.ts [small|demo|N] [seed]
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  attributeChangeDetailed,
  attributeCommit,
  type CommitLike,
  compileRules,
  createIdentityResolver,
  creditChange,
  creditCommit,
} from "@yardstick/attribution";
import { meetsConfidence, type Person } from "@yardstick/core";
import { generateWorldFile, presetOptions } from "@yardstick/github-sim";

const [size = "small", seedArg = "1"] = process.argv.slice(2);
const dir = await mkdtemp(join(tmpdir(), "yardstick-sim-eval-"));
const file = join(dir, "world.jsonl");

interface Identity {
  name: string;
  email: string;
  login: string | null;
}
interface WCommit {
  sha: string;
  message: string;
  author: Identity;
  committer: Identity;
}
interface WPull {
  repo: string;
  number: number;
  title: string;
  body: string;
  author: string;
  headRef: string;
  labels: string[];
  assignees: string[];
  requestedReviewers: string[];
  mergedBy: string | null;
  commits: string[];
  mergeCommitSha: string | null;
}
interface WUser {
  login: string;
  id: number;
  accountType: "User" | "Bot";
  kind: string;
  name: string | null;
  emails: string[];
}
interface Truth {
  key: string;
  kind: "pull_request" | "direct_push";
  repo: string;
  number: number | null;
  sha: string;
  class: "ai" | "human" | "bot";
  tools: string[];
  form: string;
  markerConfidence: "high" | "medium" | "low" | null;
  hardNegative: string | null;
  credited: string | null;
}

try {
  await generateWorldFile(presetOptions(size, Number(seedArg)), file);
  const users = new Map<string, WUser>();
  const commits = new Map<string, WCommit>();
  const pulls = new Map<string, WPull>();
  const truths: Truth[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line === "") continue;
    const r = JSON.parse(line) as { type: string } & Record<string, unknown>;
    if (r.type === "user") users.set((r.login as string).toLowerCase(), r as unknown as WUser);
    else if (r.type === "commit") commits.set(r.sha as string, r as unknown as WCommit);
    else if (r.type === "pull") pulls.set(`${r.repo}#${r.number}`, r as unknown as WPull);
    else if (r.type === "truth-change") truths.push(r as unknown as Truth);
  }

  const rules = compileRules();
  const ctx = { rules };
  const roster: Person[] = [...users.values()]
    .filter((u) => u.kind === "human")
    .map((u) => ({
      id: u.login,
      displayName: u.name ?? u.login,
      logins: [u.login],
      userIds: [u.id],
      emails: u.emails,
      names: [],
      teams: [],
    }));
  const resolver = createIdentityResolver(roster, rules);
  const toCommit = (c: WCommit): CommitLike => ({
    sha: c.sha,
    message: c.message,
    author: { name: c.author.name, email: c.author.email, login: c.author.login },
    committer: { name: c.committer.name, email: c.committer.email, login: c.committer.login },
  });

  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let toolRight = 0;
  let toolTotal = 0;
  let classRight = 0;
  let classTotal = 0;
  let creditRight = 0;
  let creditTotal = 0;
  const misses = new Map<string, { count: number; example: string }>();
  const miss = (kind: string, form: string, example: string) => {
    const key = `${kind} ${form}`;
    const m = misses.get(key);
    if (m) m.count++;
    else misses.set(key, { count: 1, example });
  };

  for (const t of truths) {
    let verdict: ReturnType<typeof attributeCommit>;
    let credited: string | null;
    if (t.kind === "pull_request") {
      const p = pulls.get(t.key);
      if (p === undefined) continue;
      const author = users.get(p.author.toLowerCase());
      const pr = {
        author: { login: p.author, type: author?.accountType ?? null },
        title: p.title,
        body: p.body,
        headRef: p.headRef,
        labels: p.labels,
        assignees: p.assignees,
        reviewRequests: p.requestedReviewers,
        mergedBy:
          p.mergedBy === null
            ? null
            : { login: p.mergedBy, type: users.get(p.mergedBy.toLowerCase())?.accountType ?? null },
      };
      const own = p.commits.flatMap((s) => {
        const c = commits.get(s);
        return c ? [toCommit(c)] : [];
      });
      const mergedRaw = p.mergeCommitSha === null ? undefined : commits.get(p.mergeCommitSha);
      const merged = mergedRaw ? toCommit(mergedRaw) : null;
      const detailed = attributeChangeDetailed(pr, own, merged, ctx);
      verdict = detailed.verdict;
      const credit = creditChange(pr, own, merged, ctx, detailed);
      credited = credit.identity === null ? null : resolver.resolve(credit.identity);
    } else {
      const c = commits.get(t.sha);
      if (c === undefined) continue;
      verdict = attributeCommit(toCommit(c), ctx);
      const credit = creditCommit(toCommit(c), ctx);
      credited = credit.identity === null ? null : resolver.resolve(credit.identity);
    }
    const truthHigh = t.class === "ai" && t.markerConfidence === "high";
    const predHigh = verdict.class === "ai" && meetsConfidence(verdict.confidence, "high");
    const example = `${t.key} expected ${t.class}/${t.tools[0] ?? "-"}/${t.markerConfidence ?? "-"} got ${verdict.class}/${verdict.tool ?? "-"}/${verdict.confidence ?? "-"} [${verdict.evidence.map((e) => e.signal).join(",")}]`;
    if (truthHigh && predHigh) tp++;
    else if (!truthHigh && predHigh) {
      fp++;
      miss("false-positive", t.form, example);
    } else if (truthHigh && !predHigh) {
      fn++;
      miss("false-negative", t.form, example);
    } else tn++;
    if (t.class === "ai" && t.markerConfidence !== null) {
      toolTotal++;
      if (verdict.tool === t.tools[0]) toolRight++;
      else miss("wrong-tool", t.form, example);
    }
    if (t.class !== "ai") {
      classTotal++;
      if (verdict.class === t.class) classRight++;
      else miss(`class-${t.class}-as-${verdict.class}`, t.form, example);
    }
    creditTotal++;
    if (credited === t.credited) creditRight++;
    else miss("credit", t.form, `${t.key} expected ${t.credited} got ${credited}`);
  }

  const r = (a: number, b: number) => (b === 0 ? "n/a" : (a / b).toFixed(4));
  console.log(`world ${size} seed ${seedArg}: ${truths.length} changes, rules ${rules.version}`);
  console.log(
    `AI-assisted at high: precision ${r(tp, tp + fp)}, recall ${r(tp, tp + fn)} (tp ${tp}, fp ${fp}, fn ${fn}, tn ${tn})`,
  );
  console.log(`right principal tool: ${toolRight}/${toolTotal} = ${r(toolRight, toolTotal)} of marked AI changes`);
  console.log(`non-AI class right (human vs bot): ${classRight}/${classTotal} = ${r(classRight, classTotal)}`);
  console.log(`credited person right: ${creditRight}/${creditTotal} = ${r(creditRight, creditTotal)}`);
  const report = resolver.report();
  console.log(
    `identity coverage: ${report.resolved}/${report.total} = ${r(report.resolved, report.total)}, bots ${report.bots}`,
  );
  for (const [key, m] of [...misses.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 30)) {
    console.log(`  ${m.count} x ${key}: ${m.example}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
