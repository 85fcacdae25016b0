import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Config } from "@yardstick/config";
import { addWeeks, isoWeekOf } from "@yardstick/core";
import type { Database } from "@yardstick/db";
import { listIncidentIssues } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { type FaultConfigInput, generateWorld, presetOptions, renderPatch, World } from "@yardstick/github-sim";
import {
  compileGlobs,
  computeMetrics,
  type FilePatchStat,
  filePatchStat,
  isPatchCandidate,
  MetricsOutput,
  prepareMetrics,
} from "@yardstick/metrics";
import { loadMetricsInput } from "@yardstick/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot, stable } from "../resilience/harness.js";
import { cliEntry } from "../test-cli.js";
import { syncWorldForTest } from "./sync-world.js";
import { configForWorld, configInputForWorld } from "./world-config.js";

const TOKEN = "test-token";
const world = World.from(generateWorld(presetOptions("small", 7)), { truth: true });
const now = new Date(world.header.now);
const config: Config = configForWorld(world);

function sync(db: Database, runId: string, faults?: FaultConfigInput) {
  return syncWorldForTest({
    world,
    db,
    config,
    token: TOKEN,
    now,
    runId,
    simulator: { seed: 3, ...(faults ? { faults } : {}) },
  });
}

/** The world's merged PRs, by key, as GitHub would report them. */
function worldPulls() {
  const result = new Map<string, { title: string; author: string; mergeCommitSha: string | null; commits: string[] }>();
  for (const repo of world.repos()) {
    const fullName = `${repo.org}/${repo.name}`;
    for (const n of world.pullNumbers(fullName)) {
      const pr = world.pull(fullName, n);
      if (!pr?.mergedAt) continue;
      result.set(`${fullName}#${n}`, {
        title: pr.title,
        author: pr.author,
        mergeCommitSha: pr.mergeCommitSha,
        commits: pr.commits,
      });
    }
  }
  return result;
}

describe("sync of a generated organisation into PostgreSQL, against the simulator over HTTP", () => {
  let clean: TestDatabase;
  let first: Awaited<ReturnType<typeof sync>>;
  let firstSnapshot: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    clean = await createTestDatabase();
    first = await sync(clean.db, "run-1");
    firstSnapshot = await snapshot(clean.db);
  }, 600_000);
  afterAll(async () => {
    await clean?.drop();
  });

  it("stores exactly the world's merged pull requests, with their commits in order", () => {
    expect(first.summary.failed).toEqual([]);
    const expected = worldPulls();
    const stored = new Map(firstSnapshot.prs.map((p) => [`${p.repo}#${p.number}`, p]));
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    const linksByPr = new Map<string, { sha: string; position: number }[]>();
    for (const l of firstSnapshot.links) {
      const key = `${l.repo}#${l.number}`;
      linksByPr.set(key, [...(linksByPr.get(key) ?? []), l]);
    }
    for (const [key, want] of expected) {
      const got = stored.get(key);
      expect(got?.title, key).toBe(want.title);
      expect(got?.authorLogin, key).toBe(want.author);
      expect(got?.mergeCommitSha, key).toBe(want.mergeCommitSha);
      const shas = (linksByPr.get(key) ?? []).sort((a, b) => a.position - b.position).map((l) => l.sha);
      // GitHub lists at most 250 commits of a pull request (REST and GraphQL alike).
      expect(shas, key).toEqual(want.commits.slice(0, 250));
    }
  });

  it("stores each commit's message, author and co-authors as the world has them", () => {
    const coAuthors = new Map<string, string[]>();
    for (const c of firstSnapshot.coAuthors) {
      const key = `${c.repo}@${c.sha}`;
      coAuthors.set(key, [...(coAuthors.get(key) ?? []), c.email.toLowerCase()]);
    }
    let checked = 0;
    for (const row of firstSnapshot.commits) {
      const want = world.commit(row.repo, row.sha);
      expect(want, `${row.repo}@${row.sha} is in the world`).toBeDefined();
      if (want === undefined) continue;
      expect(row.message).toBe(want.message);
      expect(row.authorEmail).toBe(want.author.email);
      const wantCo = [...new Set(world.coAuthorsOf(want.message).map((c) => c.email.toLowerCase()))].sort();
      expect((coAuthors.get(`${row.repo}@${row.sha}`) ?? []).sort(), `${row.repo}@${row.sha}`).toEqual(wantCo);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("stores the production deployments the ground truth has, and links changes to the deployment that shipped them", () => {
    const truthDeployments = [...world.truthDeployments()].filter((d) => d.production && d.source !== "merge");
    const stored = new Set(firstSnapshot.deployments.map((d) => `${d.repo}|${d.source}|${d.externalId}`));
    expect([...stored].sort()).toEqual(truthDeployments.map((d) => `${d.repo}|${d.source}|${d.externalId}`).sort());

    const changes = new Map(firstSnapshot.changes.map((c) => [c.key, c]));
    let linked = 0;
    for (const truth of world.truthChanges()) {
      if (truth.kind !== "pull_request") continue;
      const repo = world.repo(truth.repo);
      if (repo?.deployMethod.kind === "merge") continue; // derived at metrics time, not stored
      const got = changes.get(truth.key);
      expect(got, truth.key).toBeDefined();
      expect(got?.deployedAt?.toISOString() ?? null, truth.key).toBe(
        truth.deployedAt === null ? null : new Date(truth.deployedAt).toISOString(),
      );
      if (truth.class !== "bot") expect(got?.creditedLogin, truth.key).toBe(truth.credited);
      if (truth.deployedAt !== null) linked += 1;
    }
    expect(linked).toBeGreaterThan(100);
  });

  it("stores the world's incident issues, and the metrics fail exactly the deployments they name", async () => {
    const label = world.header.incidentLabel ?? "";
    expect(config.incidents.label).toBe(label);
    const wanted: string[] = [];
    for (const repo of world.repos()) {
      const fullName = `${repo.org}/${repo.name}`;
      for (const issue of world.issues(fullName))
        if (issue.labels.includes(label)) wanted.push(`${fullName}#${issue.number}`);
    }
    const stored = await listIncidentIssues(clean.db, { label });
    expect(stored.map((i) => `${i.repo}#${i.number}`).sort()).toEqual(wanted.sort());
    expect(wanted.length).toBeGreaterThan(0);

    // The ground truth's incident deployments are those the engine marks failed for an incident.
    const prepared = prepareMetrics(await loadMetricsInput(clean.db, config));
    const byIncident = prepared.deployments
      .filter((d) => d.failureReasons.includes("incident"))
      .map((d) => d.id)
      .sort();
    const truth = [...world.truthDeployments()]
      .filter((d) => d.incident)
      .map((d) => `${d.repo}:${d.source}:${d.externalId}`)
      .sort();
    expect(byIncident).toEqual(truth);
  });

  it("reads the patches of exactly the pull requests whose trivial verdict they can flip, and the metrics take them", async () => {
    const isIgnored = compileGlobs(config.thresholds.trivialIgnore);
    const expected = new Map<string, FilePatchStat[]>();
    let merged = 0;
    for (const t of world.truthChanges()) {
      if (t.kind !== "pull_request") continue;
      const pr = world.pull(t.repo, t.number ?? 0);
      if (!pr?.mergedAt) continue;
      merged += 1;
      const candidate = isPatchCandidate(
        {
          title: pr.title,
          commitMessages: world.pullCommits(t.repo, pr.number).map((c) => c.message),
          files: pr.files,
          filesComplete: pr.files.length === pr.changedFiles,
          additions: pr.additions,
          deletions: pr.deletions,
          formatOnly: false,
        },
        isIgnored,
        config.thresholds.trivialMaxLines,
      );
      if (candidate)
        expected.set(
          t.key,
          pr.files.map((f) => filePatchStat({ ...f, patch: renderPatch(t.key, f) })),
        );
    }
    const read = new Map(
      firstSnapshot.prs
        .filter((p) => p.diffReadAt !== null)
        .map((p) => [`${p.repo}#${p.number}` as string, p] as const),
    );
    expect([...read.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, files] of expected) {
      expect(read.get(key)?.diffFiles, key).toEqual(files);
      expect(read.get(key)?.diffFilesComplete, key).toBe(true);
    }
    // One REST request a candidate (none has more than 100 files): a small share of the PRs.
    const pages = first.events.filter((e) => e.kind === "page" && e.stream === "pull_requests.diffs");
    expect(pages.reduce((n, e) => n + (e.kind === "page" ? e.items : 0), 0)).toBe(expected.size);
    expect(expected.size / merged).toBeLessThan(0.25);

    // The engine's trivial verdict of every pull request is the ground truth's, whitespace and
    // formatting included (some verdicts flip only with the patches).
    const prepared = prepareMetrics(await loadMetricsInput(clean.db, config));
    const trivial = new Map(prepared.changes.map((c) => [c.key, c.trivial]));
    let flipped = 0;
    for (const t of world.truthChanges()) {
      if (t.kind !== "pull_request" || !trivial.has(t.key)) continue;
      expect(trivial.get(t.key), `${t.key}: ${t.lines} lines, ${t.whitespaceLines} whitespace`).toBe(t.trivial);
      if (t.whitespaceLines > 0 && t.trivial && t.lines - t.whitespaceLines <= 5 && t.lines > 5) flipped += 1;
    }
    expect(flipped).toBeGreaterThan(0);
  });

  it("yardstick metrics prints the engine's figures for the synced database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-metrics-"));
    const configFile = join(dir, "yardstick.config.json");
    writeFileSync(configFile, JSON.stringify(configInputForWorld(world)));
    const to = addWeeks(isoWeekOf(now), -1);
    const from = addWeeks(to, -7);
    const day = (week: string) => {
      const [year, w] = week.split("-W").map(Number);
      // The Thursday of the ISO week: always inside it.
      const jan4 = Date.UTC(year ?? 0, 0, 4);
      const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000 + ((w ?? 1) - 1) * 7 * 86_400_000;
      return new Date(monday + 3 * 86_400_000).toISOString().slice(0, 10);
    };
    const root = fileURLToPath(new URL("../../../../", import.meta.url));
    const run = (format: string) =>
      promisify(execFile)(
        process.execPath,
        [...cliEntry(), "metrics", "--from", day(from), "--to", day(to), "--format", format],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: clean.url, YARDSTICK_CONFIG: configFile, LOG_LEVEL: "silent" },
          maxBuffer: 64 << 20,
        },
      );
    const printed = MetricsOutput.parse(JSON.parse((await run("json")).stdout));
    const expected = computeMetrics(await loadMetricsInput(clean.db, config), { from, to, now });
    // "provisional" depends on the clock (revert windows still open); every figure must agree.
    const strip = (o: MetricsOutput) => JSON.parse(JSON.stringify(o, (k, v) => (k === "provisional" ? undefined : v)));
    expect(printed.weeks).toEqual(expected.weeks);
    expect(strip(printed)).toEqual(strip(expected));
    const org = printed.groups.find((g) => g.kind === "org");
    expect(org?.weeks.some((w) => (w.nd ?? 0) > 0)).toBe(true);
    const csv = (await run("csv")).stdout.trim().split("\n");
    expect(csv[0]).toMatch(/^kind,name,week,/);
    expect(csv).toHaveLength(1 + printed.groups.reduce((n, g) => n + g.weeks.length, 0));
  }, 120_000);

  it("changes nothing when run again, and an unchanged re-sync costs one request per repository", async () => {
    const again = await sync(clean.db, "run-2");
    expect(again.summary.failed).toEqual([]);
    expect(stable(await snapshot(clean.db))).toEqual(stable(firstSnapshot));
    const pullPages = again.events.filter((e) => e.kind === "page" && e.stream === "pull_requests");
    expect(pullPages.length).toBe(world.repos().length);
    // One GraphQL query a repository (its first pull-request page with the markers of its branch,
    // deployments, releases and tags) and three per organisation (discovery: its repositories;
    // its roster: members, teams with their members, read at the same time); workflow runs are a
    // conditional REST request answered 304, which GitHub does not charge.
    const repos = world.repos().length;
    expect(again.usage.graphqlRequests).toBe(repos + 3 * world.orgs().length);
    expect(again.usage.graphqlPoints).toBe(repos + 3 * world.orgs().length);
    expect(again.usage.restRequests).toBe(0);
    expect(again.usage.notModified).toBe(world.repos().filter((r) => r.deployMethod.kind === "workflow").length);
    expect(
      again.events.filter((e) => e.kind === "page" && e.stream !== "pull_requests" && e.stream !== "deployments"),
    ).toEqual([]);
  }, 600_000);

  it("ends with the same data when 10% of GitHub's answers fail (5xx, resets, GraphQL errors)", async () => {
    const faulted = await createTestDatabase();
    try {
      const run = await sync(faulted.db, "run-faults", {
        serverErrorRate: 0.04,
        resetRate: 0.03,
        graphqlErrorRate: 0.03,
      });
      expect(run.summary.failed).toEqual([]);
      expect(run.usage.faults).toBeGreaterThan(0);
      expect(stable(await snapshot(faulted.db))).toEqual(stable(firstSnapshot));
    } finally {
      await faulted.drop();
    }
  }, 600_000);
});
