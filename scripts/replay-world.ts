/**
 * Real histories as simulator worlds: reads a git mirror's first-parent history between two dates
 * (messages, authors, committers, numstat, tags), labels every commit with the real-corpus
 * labeller (`labelCommit` in ./attribution-real-corpus.ts, which imports nothing from the engine)
 * and writes it as a replay history, gzipped JSON Lines, under
 * packages/github-sim/fixtures/replay/<owner>+<name>.jsonl.gz. `replayWorld` (github-sim) turns a
 * replay history into a world with its ground truth; services/cli/src/demo/replay.int.test.ts
 * syncs it and compares the engine's figures with the oracle's.
 *
 *   pnpm exec tsx scripts/replay-world.ts owner/name --since 2026-05-01 --until 2026-08-23 \
 *     --deploy tags:^v\d [--mirrors DIR]
 *   pnpm exec tsx scripts/replay-world.ts owner/name --since ... --until ... --deploy merge
 *
 * The window is a contiguous run of first-parent positions: from the first commit whose committer
 * date is on or after --since to the last one before --until (by position, not by date, so a
 * commit with a skewed clock stays where the history has it). With --deploy tags, the window
 * starts at the last matching tag at or before --since instead, so the first deployment ships
 * nothing older than the window. Merge commits keep their second-parent commits (those not on the
 * first parent), with their line totals.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { ReplayCommit, ReplayHeader, ReplayRecord, ReplayTag } from "@yardstick/github-sim";
import { labelCommit } from "./attribution-real-corpus.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const repo = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const since = opt("--since");
const until = opt("--until");
const deployArg = opt("--deploy");
const mirrors = opt("--mirrors") ?? "/work/.mirror";
if (repo === undefined || !/^[\w.-]+\/[\w.-]+$/.test(repo) || since === undefined || until === undefined) {
  console.error(
    "usage: replay-world.ts owner/name --since YYYY-MM-DD --until YYYY-MM-DD --deploy tags:<pattern>|merge [--mirrors DIR]",
  );
  process.exit(2);
}
const deploy: ReplayHeader["deploy"] =
  deployArg === "merge"
    ? { kind: "merge" }
    : deployArg?.startsWith("tags:")
      ? { kind: "tags", pattern: deployArg.slice(5) }
      : (() => {
          console.error("--deploy: expected tags:<pattern> (e.g. tags:^v\\d) or merge");
          process.exit(2);
        })();

const gitDir = join(mirrors, repo.replace("/", "+"), "repo");
const git = (a: string[], input?: string) =>
  execFileSync("git", ["--git-dir", gitDir, ...a], {
    maxBuffer: 1 << 30,
    ...(input === undefined ? {} : { input }),
  }).toString("utf8");

const utc = (iso: string) => new Date(iso).toISOString().replace(".000Z", "Z");
const FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f";

/** Commits of a `git log` with FORMAT and --numstat. */
function parse(out: string, mainline: boolean): ReplayCommit[] {
  const commits: ReplayCommit[] = [];
  for (const rec of out.split("\x1e")) {
    const p = rec.split("\x1f");
    if (p.length < 10) continue;
    const [sha, parents, an, ae, ad, cn, ce, cd, message, numstat] = p as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const files: [string, number, number][] = [];
    for (const row of numstat.split("\n")) {
      const [a, d, path] = row.split("\t");
      if (a === undefined || d === undefined || path === undefined) continue;
      // Binary files: numstat prints "-"; they change no lines.
      files.push([path, a === "-" ? 0 : Number(a), d === "-" ? 0 : Number(d)]);
    }
    const msg = message.replace(/\n+$/, "");
    const label = labelCommit({
      sha,
      authorName: an,
      authorEmail: ae,
      committerName: cn,
      committerEmail: ce,
      parents: parents.split(" ").filter(Boolean),
      message: msg,
    });
    commits.push({
      type: "commit",
      sha,
      parents: parents.split(" ").filter(Boolean),
      mainline,
      author: { name: an, email: ae, date: utc(ad) },
      committer: { name: cn, email: ce, date: utc(cd) },
      message: msg,
      files: mainline ? files : [],
      additions: files.reduce((s, f) => s + f[1], 0),
      deletions: files.reduce((s, f) => s + f[2], 0),
      label: label === null ? null : { class: label.class, tool: label.tool, family: label.family },
    });
  }
  return commits;
}

const head = git(["rev-parse", "HEAD"]).trim();
const positions = git(["rev-list", "--first-parent", "--reverse", "--format=%H %cI", "HEAD"])
  .split("\n")
  .filter((l) => !l.startsWith("commit ") && l.trim() !== "")
  .map((l) => {
    const [sha, date] = l.split(" ");
    return { sha: sha ?? "", at: Date.parse(date ?? "") };
  });
const sinceMs = Date.parse(`${since}T00:00:00Z`);
const untilMs = Date.parse(`${until}T00:00:00Z`);
let first = positions.findIndex((p) => p.at >= sinceMs);
let last = positions.length - 1;
while (last >= 0 && (positions[last]?.at ?? 0) >= untilMs) last--;
if (first === -1 || last < first) throw new Error(`${repo}: no first-parent commit between ${since} and ${until}`);

// Tags (peeled to their commits) with their dates: the tagger's for annotated tags, else the commit's.
const tagLines = git([
  "for-each-ref",
  "refs/tags",
  "--format=%(refname:short)%09%(objecttype)%09%(*objectname)%09%(objectname)%09%(taggerdate:iso-strict)%09%(*committerdate:iso-strict)%09%(committerdate:iso-strict)",
]).split("\n");
const index = new Map(positions.map((p, i) => [p.sha, i] as const));
const allTags: ReplayTag[] = [];
for (const line of tagLines) {
  const [name, kind, peeled, object, taggerDate, peeledDate, commitDate] = line.split("\t");
  if (name === undefined || name === "") continue;
  const annotated = kind === "tag";
  const sha = annotated ? peeled : object;
  const date = annotated ? taggerDate || peeledDate : commitDate;
  if (sha === undefined || sha === "" || date === undefined || date === "") continue;
  allTags.push({ type: "tag", name, sha, taggedAt: utc(date), annotated });
}
if (deploy.kind === "tags") {
  const re = new RegExp(deploy.pattern);
  // Start at the last deployment at or before the window's first commit.
  const before = allTags
    .filter((t) => re.test(t.name) && (index.get(t.sha) ?? Number.POSITIVE_INFINITY) <= first)
    .map((t) => index.get(t.sha) ?? 0);
  if (before.length > 0) first = Math.max(...before);
}

const mainShas = positions.slice(first, last + 1).map((p) => p.sha);
const mainline = parse(
  git(
    [
      "log",
      "--no-walk=unsorted",
      "--stdin",
      "--no-renames",
      "--diff-merges=first-parent",
      "--numstat",
      `--format=${FORMAT}`,
    ],
    `${mainShas.join("\n")}\n`,
  ),
  true,
);
const mainSet = new Set(mainShas);
const branchShas: string[] = [];
for (const c of mainline) {
  if (c.parents.length < 2) continue;
  const [p1, p2] = c.parents;
  for (const sha of git(["rev-list", "--reverse", "--topo-order", `${p1}..${p2}`]).split("\n")) {
    if (sha !== "" && !mainSet.has(sha)) branchShas.push(sha);
  }
}
const branch =
  branchShas.length === 0
    ? []
    : parse(
        git(
          [
            "log",
            "--no-walk=unsorted",
            "--stdin",
            "--no-renames",
            "--diff-merges=off",
            "--numstat",
            `--format=${FORMAT}`,
          ],
          `${[...new Set(branchShas)].join("\n")}\n`,
        ),
        false,
      );
const inWorld = new Set([...mainShas, ...branch.map((c) => c.sha)]);
const tags = allTags.filter((t) => inWorld.has(t.sha)).sort((a, b) => a.taggedAt.localeCompare(b.taggedAt));

const header: ReplayHeader = {
  type: "replay-header",
  repo,
  mirrorHead: head,
  since,
  until,
  deploy,
  commits: mainline.length + branch.length,
  generatedBy: "scripts/replay-world.ts",
};
const records: ReplayRecord[] = [header, ...mainline, ...branch, ...tags];
const out = join(root, "packages/github-sim/fixtures/replay", `${repo.replace("/", "+")}.jsonl.gz`);
mkdirSync(dirname(out), { recursive: true });
const gz = gzipSync(`${records.map((r) => JSON.stringify(r)).join("\n")}\n`, { level: 9 });
writeFileSync(out, gz);
console.log(
  `${out}: ${mainline.length} first-parent commits (${positions[first]?.sha.slice(0, 9)}..${positions[last]?.sha.slice(0, 9)}), ${branch.length} branch commits, ${tags.length} tags, ${gz.length} bytes`,
);
