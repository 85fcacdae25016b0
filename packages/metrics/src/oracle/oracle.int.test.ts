import {
  type GenerateOptions,
  generateWorld,
  presetOptions,
  renderPatch,
  type TruthChange,
  World,
} from "@yardstick/github-sim";
import { describe, expect, it } from "vitest";
import { computeMetrics } from "../compute.js";
import { DEFAULT_TRIVIAL_IGNORE } from "../config.js";
import { type DeploymentMethod, detectDeployments, type RepoDeploymentSignals } from "../detect.js";
import { filePatchStat, isPatchCandidate, patchVerdict } from "../diff-lines.js";
import { compileGlobs } from "../glob.js";
import { type MetricsChange, MetricsInput, type MetricsInputData } from "../inputs.js";
import { prepareMetrics } from "../prepare.js";
import { differences, FIELDS, MERGED_FIELDS, pick } from "./compare.js";
import { type OracleInput, oracleMetrics, oracleWeekOf, oracleWeekStart } from "./oracle.js";

/**
 * The issue-6 "Done when" check: on generated worlds (the demo preset: 300 engineers, 12 teams,
 * 40 repositories using every deployment method, 26 weeks; and a 30-week world of another seed and
 * shape), every figure the engine reports equals
 * what the oracle (./oracle.ts, written from METRICS.md) computes from the world's ground truth,
 * for the org, every team, every repository and the "other" groups, week by week.
 *
 * The engine sees the world as the product would: pull requests, commits, deployment signals per
 * repository method, the commit graph, the roster, usage and the incident-labelled issues (the
 * sha-like tokens each names); credit and AI verdicts are taken from
 * the ground truth as a perfect attribution stage would report them (class ai, confidence =
 * markerConfidence). Everything else (linking, deployedAt, trivial, reverts, failures) the engine
 * derives itself (an incident marks the deployment it names as failed); the oracle reads it from
 * truth-change / truth-deployment.
 */

const date = (s: string) => new Date(s);
const fullName = (r: { org: string; name: string }) => `${r.org}/${r.name}`;
const isIgnored = compileGlobs([...DEFAULT_TRIVIAL_IGNORE]);

/**
 * The engine's input and the oracle's input, both built from one world. `skew`: merge times
 * moved (change key -> new merge time), as a merge commit's clock can run behind its parent's.
 */
function adapters(world: World, blind: ReadonlySet<string>, skew: ReadonlyMap<string, Date> = new Map()) {
  const ORG = world.orgs()[0]?.login ?? "acme";

  function rosterOf() {
    const teams = new Map<string, string[]>();
    for (const t of world.teams(ORG)) {
      for (const login of [...t.members, ...(t.formerMembers ?? [])]) {
        teams.set(login, [...new Set([...(teams.get(login) ?? []), t.slug])]);
      }
    }
    return world.users().flatMap((u) => {
      const m = u.memberships.find((x) => x.org === ORG);
      if (u.kind !== "human" || m === undefined) return [];
      return [{ id: u.login, teams: (teams.get(u.login) ?? []).sort(), joinedAt: m.joinedAt, leftAt: m.leftAt }];
    });
  }

  const humans = new Set(world.users().flatMap((u) => (u.kind === "human" ? [u.login] : [])));
  const human = (login: string | null | undefined) => (login && humans.has(login) ? login : null);

  /** Earliest authored time of a change's commits (PR creation when none are known). */
  function firstAuthored(t: TruthChange): Date | null {
    if (t.kind === "direct_push") {
      const c = world.commit(t.repo, t.sha);
      return c ? date(c.author.date) : null;
    }
    const commits = world.pullCommits(t.repo, t.number ?? 0);
    if (commits.length === 0) return null;
    return date(commits.map((c) => c.author.date).sort()[0] as string);
  }

  function changeOf(t: TruthChange): MetricsChange {
    const verdict = {
      personId: t.credited,
      aiAssisted: null,
      aiConfidence: t.class === "ai" ? t.markerConfidence : null,
    };
    if (t.kind === "direct_push") {
      const c = world.commit(t.repo, t.sha);
      if (c === undefined) throw new Error(`no commit for ${t.key}`);
      return {
        ...verdict,
        key: t.key,
        repo: t.repo,
        kind: "direct_push",
        number: null,
        title: c.message.split("\n")[0] ?? "",
        body: c.message,
        headRef: null,
        commitMessages: [c.message],
        mergedById: null,
        reviewerIds: [],
        reviewsKnown: true,
        createdAt: null,
        firstCommitAt: date(c.author.date),
        mergedAt: date(t.mergedAt),
        mergeMethod: null,
        landingShas: [c.sha],
        commitShas: [c.sha],
        files: c.files ?? [],
        filesComplete: c.files !== undefined,
        additions: c.additions,
        deletions: c.deletions,
        // The generator keeps a direct push's file list to itself (its commit records carry no
        // `files`), so nobody can see that a lock-file-only push is trivial. Stand in for the list
        // with the truth's verdict; every pull request's trivial verdict is the engine's own.
        formatOnly: c.files === undefined && t.trivial,
        labels: [],
      };
    }
    const pr = world.pull(t.repo, t.number ?? 0);
    if (pr === undefined || pr.mergedAt === null) throw new Error(`no merged pull for ${t.key}`);
    const commits = world.pullCommits(t.repo, pr.number);
    const change: MetricsChange = {
      ...verdict,
      key: t.key,
      repo: t.repo,
      kind: "pull_request",
      number: pr.number,
      title: pr.title,
      body: pr.body,
      headRef: pr.headRef,
      commitMessages: commits.map((c) => c.message),
      mergedById: human(pr.mergedBy),
      reviewerIds: [...new Set(pr.reviews.flatMap((r) => (human(r.user) ? [r.user] : [])))],
      reviewsKnown: true,
      createdAt: date(pr.createdAt),
      firstCommitAt: firstAuthored(t),
      mergedAt: skew.get(t.key) ?? date(pr.mergedAt),
      mergeMethod: pr.mergeMethod,
      landingShas: pr.resultCommits.length > 0 ? pr.resultCommits : [pr.mergeCommitSha ?? t.sha],
      commitShas: pr.commits,
      files: pr.files,
      filesComplete: pr.files.length === pr.changedFiles,
      additions: pr.additions,
      deletions: pr.deletions,
      formatOnly: false,
      labels: pr.labels,
    };
    return withPatches(change);
  }

  /**
   * What the product's sync.pull-diffs and metrics input add: for a pull request whose patches can
   * flip its trivial verdict, the whitespace-free lines and formatting verdict of the patches the
   * simulator serves.
   */
  function withPatches(change: MetricsChange): MetricsChange {
    if (!isPatchCandidate(change, isIgnored, 5)) return change;
    const files = (world.pull(change.repo, change.number ?? 0)?.files ?? []).map((f) =>
      filePatchStat({ ...f, patch: renderPatch(change.key, f) }),
    );
    const verdict = patchVerdict({ files, complete: change.filesComplete }, change, isIgnored);
    return { ...change, formatOnly: verdict.formatOnly, countableLines: verdict.countableLines };
  }

  function methodOf(m: ReturnType<World["repos"]>[number]["deployMethod"]): DeploymentMethod {
    switch (m.kind) {
      case "deployments":
        return { method: "deployments", environment: "^prod(uction)?\\b" };
      case "releases":
        return { method: "releases" };
      case "tags":
        return { method: "tags", pattern: m.pattern };
      case "workflow":
        return { method: "workflow", workflow: m.name };
      case "merge":
        return { method: "merge" };
    }
  }

  /**
   * Incidents as the product reads them: every issue carrying the world's incident label, once
   * per sha-like token (7 to 40 hex digits) in its title or body, opened at its creation.
   */
  function incidentsOf() {
    const label = world.header.incidentLabel;
    if (label === undefined) return [];
    return world.repos().flatMap((r) => {
      const repo = fullName(r);
      return [...world.issues(repo)].flatMap((issue) =>
        issue.labels.includes(label)
          ? [...`${issue.title}\n${issue.body}`.matchAll(/\b[0-9a-f]{7,40}\b/g)].map((m) => ({
              repo,
              sha: m[0],
              openedAt: date(issue.createdAt),
            }))
          : [],
      );
    });
  }

  function engineInput(truth: TruthChange[], timeZone: string): MetricsInputData {
    const changes = truth.map(changeOf);
    const signals: RepoDeploymentSignals[] = world.repos().map((r) => {
      const repo = fullName(r);
      return {
        repo,
        trackedBranch: r.defaultBranch,
        // A blinded repository is configured with a tag pattern nothing matches: no deployment signal.
        method: blind.has(repo) ? { method: "tags", pattern: "^no-such-tag$" } : methodOf(r.deployMethod),
        deployments: world.deployments(repo).map((d) => ({
          repo,
          source: "deployment" as const,
          externalId: String(d.id),
          environment: d.environment,
          sha: d.sha,
          ref: d.ref,
          createdAt: date(d.createdAt),
          creatorLogin: d.creator,
          statuses: d.statuses.map((s) => ({
            state: s.state,
            createdAt: date(s.createdAt),
            description: s.description,
          })),
        })),
        releases: world.releases(repo).map((x) => ({
          id: String(x.id),
          tagName: x.tagName,
          sha: x.targetSha,
          draft: x.draft,
          prerelease: x.prerelease,
          publishedAt: x.publishedAt === null ? null : date(x.publishedAt),
        })),
        tags: world.tags(repo).map((x) => ({ name: x.name, sha: x.sha, createdAt: date(x.taggedAt) })),
        workflowRuns: world.workflowRuns(repo).map((x) => ({
          id: String(x.id),
          name: x.name,
          path: x.path,
          headBranch: x.headBranch,
          headSha: x.headSha,
          event: x.event,
          conclusion: x.conclusion,
          updatedAt: date(x.updatedAt),
        })),
        merges: changes
          .filter((c) => c.repo === repo)
          .map((c) => ({ sha: c.landingShas.at(-1) ?? "", mergedAt: c.mergedAt, key: c.key })),
      };
    });
    const detected = detectDeployments(signals);
    const commitGraphs: Record<string, { head: string; parents: Record<string, string[]> }> = {};
    for (const r of world.repos()) {
      const repo = fullName(r);
      const head = world.branchHead(repo);
      if (head !== undefined) commitGraphs[repo] = { head, parents: {} };
    }
    for (const rec of world.records()) {
      if (rec.type !== "commit") continue;
      const g = commitGraphs[rec.repo];
      if (g !== undefined) g.parents[rec.sha] = rec.parents;
    }
    return {
      changes,
      deployments: detected.deployments,
      commitGraphs,
      roster: rosterOf(),
      usage: world.usage().map((u) => ({
        personId: u.login,
        day: u.day,
        tool: u.tool,
        tokensIn: u.tokensIn,
        tokensOut: u.tokensOut,
        cost: u.costUsd,
      })),
      incidents: incidentsOf(),
      repos: world.repos().map(fullName),
      reposWithoutDeploymentSignal: detected.withoutSignal.map((w) => w.repo),
      config: { orgName: ORG, timeZone },
    };
  }

  function oracleInput(truth: TruthChange[], utcOffsetMinutes: number): OracleInput {
    return {
      people: rosterOf().map((p) => ({
        id: p.id,
        teams: p.teams,
        joinedAt: date(p.joinedAt),
        leftAt: p.leftAt === null ? null : date(p.leftAt),
      })),
      changes: truth.map((t) => ({
        key: t.key,
        repo: t.repo,
        credited: t.credited,
        mergedAt: skew.get(t.key) ?? date(t.mergedAt),
        ...(() => {
          const pr = t.kind === "pull_request" ? world.pull(t.repo, t.number ?? 0) : undefined;
          return {
            createdAt: pr === undefined ? null : date(pr.createdAt),
            firstCommitAt: firstAuthored(t),
            mergedBy: human(pr?.mergedBy),
            reviewers: pr === undefined ? [] : pr.reviews.flatMap((r) => (human(r.user) ? [r.user] : [])),
          };
        })(),
        deployedAt: t.deployedAt === null || blind.has(t.repo) ? null : (skew.get(t.key) ?? date(t.deployedAt)),
        trivial: t.trivial,
        reverted: t.revertedWithin14Days,
        // The generator made it as a revert (whatever form its text takes).
        revert: t.revertOf !== null,
        ai: t.class === "ai" && t.markerConfidence === "high",
      })),
      deployments: [...world.truthDeployments()].flatMap((d) =>
        d.production && d.at !== null && !blind.has(d.repo)
          ? [
              {
                repo: d.repo,
                environment: d.environment,
                // A merge goes live when it merges: at its (moved) merge time.
                at: (d.source === "merge" ? skew.get(d.changes[0] ?? "") : undefined) ?? date(d.at),
                failed: d.failed,
                changes: d.changes,
              },
            ]
          : [],
      ),
      usage: world
        .usage()
        .map((u) => ({ personId: u.login, day: u.day, tokens: u.tokensIn + u.tokensOut, cost: u.costUsd })),
      repos: world.repos().map(fullName),
      orgName: ORG,
      reposWithoutSignal: [...blind],
      utcOffsetMinutes,
    };
  }

  return { engineInput, oracleInput };
}

/**
 * Merge-is-deploy with clock skew: in every merge-deployed repository, every third pull request
 * (neither a revert nor reverted, its merge deploying only itself) is stamped one minute before
 * the previous merge on the branch, within the same UTC week and after its own commits and
 * opening. The history order is unchanged; only the clock disagrees with it.
 */
function skewedMerges(world: World, truth: readonly TruthChange[]): Map<string, Date> {
  const mergeRepos = new Set(world.repos().flatMap((r) => (r.deployMethod.kind === "merge" ? [fullName(r)] : [])));
  const skew = new Map<string, Date>();
  for (const repo of mergeRepos) {
    const list = truth.filter((t) => t.repo === repo).sort((a, b) => Date.parse(a.mergedAt) - Date.parse(b.mergedAt));
    let eligible = 0;
    for (let i = 1; i < list.length; i++) {
      const [prev, cur] = [list[i - 1] as TruthChange, list[i] as TruthChange];
      if (cur.kind !== "pull_request" || cur.revertOf !== null || cur.revertedBy !== null) continue;
      if (cur.deployedAt !== cur.mergedAt) continue;
      const moved = new Date(Date.parse(prev.mergedAt) - 60_000);
      if (oracleWeekOf(moved) !== oracleWeekOf(new Date(cur.mergedAt))) continue;
      const pr = world.pull(repo, cur.number ?? 0);
      const commits = world.pullCommits(repo, cur.number ?? 0).map((c) => Date.parse(c.author.date));
      if (pr === undefined || Date.parse(pr.createdAt) >= moved.getTime()) continue;
      if (commits.some((x) => x >= moved.getTime())) continue;
      if (eligible++ % 3 === 0) skew.set(cur.key, moved);
    }
  }
  return skew;
}

describe("metrics engine against the ground-truth oracle, merges stamped before their parents", () => {
  const world = World.from(
    generateWorld({ seed: 5, engineers: 120, teams: 5, repositories: 20, weeks: 26, now: "2026-09-07T00:00:00Z" }),
    { truth: true },
  );
  const truth = [...world.truthChanges()];
  const skew = skewedMerges(world, truth);
  const { engineInput, oracleInput } = adapters(world, new Set(), skew);
  const now = new Date(world.header.now);
  const FROM = oracleWeekOf(new Date(world.header.start));
  const TO = oracleWeekOf(new Date(now.getTime() - 86_400_000));

  it("agrees on every figure: a merge is never a rollback, whatever its clock says", () => {
    expect(skew.size).toBeGreaterThan(20);
    const engine = computeMetrics(MetricsInput.parse(engineInput(truth, "UTC")), { from: FROM, to: TO, now });
    const diffs = differences(engine, oracleMetrics(oracleInput(truth, 0), FROM, TO));
    expect({ count: diffs.length, first: diffs.slice(0, 20) }).toEqual({ count: 0, first: [] });
  });
});

/**
 * Worlds, the organisation's time zone (name for the engine, fixed UTC offset in minutes for the
 * oracle), and the figures allowed to be zero in every group-week of that world (too rare in it).
 */
const WORLDS: [string, GenerateOptions, { zone: string; offset: number; blind: number }, string[]][] = [
  // The demo preset: 300 engineers, 12 teams, 40 repositories, 26 weeks.
  ["demo world, seed 3, UTC", presetOptions("demo", 3), { zone: "UTC", offset: 0, blind: 0 }, [...MERGED_FIELDS]],
  // Another seed and shape: fewer, larger teams, 30 weeks, a different "now".
  [
    "custom world, seed 11, Asia/Kolkata",
    { seed: 11, engineers: 90, teams: 5, repositories: 15, weeks: 30, now: "2026-06-01T00:00:00Z" },
    // Weeks start on Sunday 18:30 UTC: changes and deployments near midnight move week.
    // Its first two repositories are configured with no deployment signal: the "merged" variant.
    { zone: "Asia/Kolkata", offset: 330, blind: 2 },
    // The merged variant is a repository's, and a repository has no adoption target by default.
    ["flags.volumeSpike", "mergedVariant.peopleToTarget"],
  ],
];

describe.each(WORLDS)("metrics engine against the ground-truth oracle (%s)", (_label, options, tz, rare) => {
  const world = World.from(generateWorld(options), { truth: true });
  const blind = new Set(
    world
      .repos()
      .slice(0, tz.blind)
      .map((r) => `${r.org}/${r.name}`),
  );
  const { engineInput, oracleInput } = adapters(world, blind);
  const now = new Date(world.header.now);
  const FROM = oracleWeekOf(new Date(world.header.start));
  const TO = oracleWeekOf(new Date(now.getTime() - 86_400_000));
  const truth = [...world.truthChanges()];
  // As an admin sees it: the named flag lists (not compared with the oracle) measure false positives.
  const engine = computeMetrics(MetricsInput.parse(engineInput(truth, tz.zone)), {
    from: FROM,
    to: TO,
    now,
    viewerIsAdmin: true,
  });
  const oracle = oracleMetrics(oracleInput(truth, tz.offset), FROM, TO);

  it("covers at least 26 weeks, several visible teams and every deployment method", () => {
    expect(engine.weeks.length).toBeGreaterThanOrEqual(26);
    const visibleTeams = engine.groups.filter(
      (g) => g.kind === "team" && g.name !== "other" && !g.weeks.every((w) => w.suppressed),
    );
    expect(visibleTeams.length).toBeGreaterThanOrEqual(3);
    expect(new Set(world.repos().map((r) => r.deployMethod.kind)).size).toBe(5);
    // Some deployments failed only because an incident issue names them.
    const incidentOnly = [...world.truthDeployments()].filter(
      (d) => d.incident && !d.failedAfterLive && !d.rolledBack && !d.shippedRevertedChange && !blind.has(d.repo),
    );
    expect(incidentOnly.length).toBeGreaterThan(0);
    const visible = (kind: string) =>
      engine.groups.filter((g) => g.kind === kind).flatMap((g) => g.weeks.filter((w) => !w.suppressed)).length;
    // Group-weeks actually compared figure by figure (the rest are suppressed on both sides).
    expect(visible("org")).toBe(engine.weeks.length);
    expect(visible("team")).toBeGreaterThanOrEqual(100);
    expect(visible("repo")).toBeGreaterThanOrEqual(200);
    const org = engine.groups.find((g) => g.kind === "org");
    expect(org?.weeks.filter((w) => (w.aiQualifyingChanges ?? 0) > 0).length).toBeGreaterThan(20);
  });

  it("makes reverts in every form, including by an agent", () => {
    const forms = new Map<string, number>();
    for (const t of truth) {
      if (t.revertOf === null || t.kind !== "pull_request") continue;
      const pr = world.pull(t.repo, t.number ?? 0);
      const form =
        pr?.author === "Copilot"
          ? "agent"
          : pr?.headRef.startsWith("revert-")
            ? "button"
            : /\(#\d+\)"$/.test(pr?.title ?? "")
              ? "squash"
              : /pull\/\d+/.test(pr?.body ?? "")
                ? "url"
                : "number";
      forms.set(form, (forms.get(form) ?? 0) + 1);
    }
    expect([...forms.keys()].sort()).toEqual(["agent", "button", "number", "squash", "url"]);
    // Revert of a revert.
    const keys = new Map(truth.map((t) => [t.key, t] as const));
    expect(truth.some((t) => t.revertOf !== null && keys.get(t.revertOf)?.revertOf !== null)).toBe(true);
  });

  it("derives each change's deployedAt, trivial and reverted as the ground truth has them", () => {
    const prep = prepareMetrics(MetricsInput.parse(engineInput(truth, tz.zone)));
    const facts = new Map(prep.changes.map((f) => [f.key, f] as const));
    const diffs: string[] = [];
    for (const t of truth) {
      const f = facts.get(t.key);
      if (f === undefined) {
        diffs.push(`${t.key}: missing`);
        continue;
      }
      const deployedAt = f.deployedAt?.toISOString().replace(".000Z", "Z") ?? null;
      const truthDeployedAt = blind.has(t.repo) ? null : t.deployedAt;
      if (deployedAt !== truthDeployedAt) diffs.push(`${t.key} deployedAt: engine ${deployedAt} truth ${t.deployedAt}`);
      if (f.trivial !== t.trivial)
        diffs.push(`${t.key} trivial: engine ${f.trivial} truth ${t.trivial} (${t.lines} lines)`);
      if (f.revert !== (t.revertOf !== null)) diffs.push(`${t.key} revert: engine ${f.revert} truth ${t.revertOf}`);
      if (f.reverted !== t.revertedWithin14Days)
        diffs.push(
          `${t.key} reverted: engine ${f.reverted} truth ${t.revertedWithin14Days} (by ${t.revertedBy}, of ${t.revertOf})`,
        );
    }
    expect(diffs.slice(0, 40)).toEqual([]);
  });

  it("compares real values: every figure is non-zero in some group-week", () => {
    const zeroEverywhere = FIELDS.filter(
      (f) =>
        !oracle.some((g) =>
          g.weeks.some((w) => {
            const v = pick(w, f);
            return v !== null && v !== undefined && v !== 0 && v !== false;
          }),
        ),
    );
    expect(zeroEverywhere).toEqual(rare);
  });

  it("integrity flags fire on under 2% of honest person-weeks (the generator's people who do not game)", () => {
    const gamers = new Set(world.truthPeople().flatMap((p) => (p.gaming === null ? [] : [p.login])));
    const org = engine.groups.find((g) => g.kind === "org");
    if (org === undefined) throw new Error("no org group");
    const mergedBy = new Map<string, number[]>();
    for (const t of truth) {
      if (t.credited === null || !gamers.has(t.credited)) continue;
      mergedBy.set(t.credited, [...(mergedBy.get(t.credited) ?? []), Date.parse(t.mergedAt)]);
    }
    let honestPersonWeeks = 0;
    const fired = new Map<string, number>();
    for (const w of org.weeks) {
      if (w.suppressed || w.flags.named === null) continue;
      // Active gamers: a merged change in the 4 weeks ending w (the active-engineer rule).
      const end = oracleWeekStart(w.week) - tz.offset * 60_000 + 7 * 86_400_000;
      const start = end - 28 * 86_400_000;
      let activeGamers = 0;
      for (const times of mergedBy.values()) if (times.some((x) => x >= start && x < end)) activeGamers += 1;
      honestPersonWeeks += (w.activeEngineers ?? 0) - activeGamers;
      for (const [flag, people] of Object.entries(w.flags.named)) {
        fired.set(flag, (fired.get(flag) ?? 0) + people.filter((p) => !gamers.has(p)).length);
      }
    }
    const rates = Object.fromEntries([...fired].map(([flag, n]) => [flag, n / honestPersonWeeks]));
    console.log(`${_label}: honest person-weeks ${honestPersonWeeks}; flags on them ${JSON.stringify([...fired])}`);
    expect(honestPersonWeeks).toBeGreaterThan(1000);
    for (const [flag, rate] of Object.entries(rates))
      expect({ flag, over2pct: rate >= 0.02, rate }).toMatchObject({ flag, over2pct: false });
  });

  it("agrees with the oracle on every figure, for org, team and repository groups", () => {
    const diffs = differences(engine, oracle);
    const byField = new Map<string, number>();
    for (const d of diffs) {
      const f = (d.split(" ")[2] ?? "?").replace(/:$/, "");
      byField.set(f, (byField.get(f) ?? 0) + 1);
    }
    expect({ count: diffs.length, byField: Object.fromEntries(byField), first: diffs.slice(0, 40) }).toEqual({
      count: 0,
      byField: {},
      first: [],
    });
  });
});
