/**
 * How close the world generator's distributions are to real histories: merge methods, PR size,
 * commits per PR, revert share and trailer formats, from git mirrors' first-parent histories
 * (the last --weeks weeks of each) and from a generated world. Prints a Markdown table.
 *
 *   pnpm exec tsx scripts/world-fidelity.ts [--mirrors DIR] [--weeks 26] [--size small|demo] [--seed 1] [owner/name ...]
 *
 * Reading a mirror is heuristic (git keeps no PR records): a first-parent commit whose subject
 * is "Merge pull request #N" is a merge (commits per PR: the second parent's commits not on the
 * first parent); a single-parent commit whose subject ends in "(#N)" is a squash (commits per
 * PR: its "* " bullets, at least 1); any other first-parent commit is "other" (direct pushes and
 * rebase merges, which git alone cannot tell apart). PR size is additions + deletions against
 * the first parent.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { generateWorld, presetOptions } from "@yardstick/github-sim";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const mirrors = opt("--mirrors", "/work/.mirror");
const weeks = Number(opt("--weeks", "26"));
const size = opt("--size", "small");
const seed = Number(opt("--seed", "1"));
const named = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));

interface Stats {
  changes: number;
  squash: number;
  merge: number;
  other: number;
  sizes: number[];
  commitsPerPr: number[];
  reverts: number;
  withCoAuthor: number;
  coAuthorLines: number;
  coAuthorCanonical: number;
  coAuthorTitle: number;
}

const empty = (): Stats => ({
  changes: 0,
  squash: 0,
  merge: 0,
  other: 0,
  sizes: [],
  commitsPerPr: [],
  reverts: 0,
  withCoAuthor: 0,
  coAuthorLines: 0,
  coAuthorCanonical: 0,
  coAuthorTitle: 0,
});

const CO_AUTHOR = /^[ \t]*(?:[*-][ \t]+)?(co-authored-by):/gim;

function countTrailers(s: Stats, message: string): void {
  let any = false;
  for (const m of message.matchAll(CO_AUTHOR)) {
    any = true;
    s.coAuthorLines++;
    if (m[1] === "Co-authored-by") s.coAuthorCanonical++;
    else if (m[1] === "Co-Authored-By") s.coAuthorTitle++;
  }
  if (any) s.withCoAuthor++;
}

function fromMirror(repo: string, into: Stats): void {
  const gitDir = join(mirrors, repo.replace("/", "+"), "repo");
  const git = (...a: string[]) =>
    execFileSync("git", ["--git-dir", gitDir, ...a], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    }).toString();
  const last = Number(git("log", "-1", "--format=%ct", "HEAD").trim());
  const since = `${last - weeks * 7 * 86400}`;
  const out = git(
    "log",
    "HEAD",
    "--first-parent",
    "-m",
    `--since=${since}`,
    "--numstat",
    "--format=%x1e%H%x1f%P%x1f%B%x1f",
  );
  for (const rec of out.split("\x1e")) {
    const [sha, parents, message, numstat] = rec.split("\x1f");
    if (sha === undefined || message === undefined) continue;
    const ps = (parents ?? "").trim().split(" ").filter(Boolean);
    const subject = message.split("\n", 1)[0] ?? "";
    let lines = 0;
    for (const row of (numstat ?? "").split("\n")) {
      const [a, d] = row.split("\t");
      if (a !== undefined && d !== undefined && /^\d+$/.test(a) && /^\d+$/.test(d)) lines += Number(a) + Number(d);
    }
    into.changes++;
    into.sizes.push(lines);
    if (subject.startsWith('Revert "')) into.reverts++;
    countTrailers(into, message);
    if (ps.length === 2 && subject.startsWith("Merge pull request #")) {
      into.merge++;
      into.commitsPerPr.push(Number(git("rev-list", "--count", `${ps[0]}..${ps[1]}`).trim()));
    } else if (ps.length === 1 && /\(#\d+\)$/.test(subject)) {
      into.squash++;
      const bullets = message.split("---------")[0]?.match(/^\* /gm)?.length ?? 0;
      into.commitsPerPr.push(Math.max(1, bullets));
    } else {
      into.other++;
    }
  }
}

function fromWorld(): Stats {
  const s = empty();
  const messages = new Map<string, string>();
  const results: Array<{ shas: string[] }> = [];
  for (const r of generateWorld(presetOptions(size as "small", seed))) {
    if (r.type === "commit") messages.set(r.sha, r.message);
    if (r.type === "pull" && r.mergedAt !== null && r.mergeMethod !== null) {
      s.changes++;
      s.sizes.push(r.additions + r.deletions);
      s.commitsPerPr.push(r.commits.length);
      if (r.mergeMethod === "squash") s.squash++;
      else if (r.mergeMethod === "merge") s.merge++;
      else s.other++;
      if (r.title.startsWith('Revert "')) s.reverts++;
      results.push({ shas: r.resultCommits });
    }
  }
  for (const { shas } of results) {
    const last = shas[shas.length - 1];
    countTrailers(s, last === undefined ? "" : (messages.get(last) ?? ""));
  }
  return s;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const repos =
  named.length > 0
    ? named
    : readdirSync(mirrors, { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name.includes("+"))
        .map((d) => d.name.replace("+", "/"))
        .sort();
const real = empty();
const skipped: string[] = [];
for (const repo of repos) {
  // A snapshot can lack its largest blobs; numstat then fails: leave that repository out, say so.
  const one = empty();
  try {
    fromMirror(repo, one);
  } catch {
    skipped.push(repo);
    continue;
  }
  for (const k of Object.keys(one) as Array<keyof Stats>) {
    const v = one[k];
    if (Array.isArray(v)) (real[k] as number[]).push(...v);
    else (real[k] as number) += v as number;
  }
}
const world = fromWorld();

const pct = (n: number, d: number) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);
const row = (label: string, f: (s: Stats) => string) => `| ${label} | ${f(real)} | ${f(world)} |`;
console.log(
  `Real: ${repos.length - skipped.length} mirrors${skipped.length > 0 ? ` (left out, blobs missing from the snapshot: ${skipped.join(", ")})` : ""}, last ${weeks} weeks of each default branch; generator: preset ${size}, seed ${seed}.\n`,
);
console.log("| measure | real histories | generated world |\n|---|---:|---:|");
for (const line of [
  row("changes (first-parent commits / merged PRs)", (s) => String(s.changes)),
  row("squash merges", (s) => pct(s.squash, s.changes)),
  row("merge commits", (s) => pct(s.merge, s.changes)),
  row("other (rebase merges and direct pushes)", (s) => pct(s.other, s.changes)),
  row("lines changed, median", (s) => String(quantile(s.sizes, 0.5))),
  row("lines changed, p90", (s) => String(quantile(s.sizes, 0.9))),
  row("changes of 5 lines or fewer", (s) => pct(s.sizes.filter((x) => x <= 5).length, s.sizes.length)),
  row("commits per PR, median (squash and merge)", (s) => String(quantile(s.commitsPerPr, 0.5))),
  row("commits per PR, p90", (s) => String(quantile(s.commitsPerPr, 0.9))),
  row('reverts (`Revert "…"` subjects)', (s) => pct(s.reverts, s.changes)),
  row("changes with a Co-authored-by line", (s) => pct(s.withCoAuthor, s.changes)),
  row("Co-authored-by lines written `Co-authored-by`", (s) => pct(s.coAuthorCanonical, s.coAuthorLines)),
  row("… written `Co-Authored-By`", (s) => pct(s.coAuthorTitle, s.coAuthorLines)),
]) {
  console.log(line);
}
