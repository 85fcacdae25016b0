import { describe, expect, it } from "vitest";
import type { TruthDeployment, WorldIssue } from "../world/schema.js";
import { World } from "../world/world.js";
import { generateWorld } from "./generate.js";
import { presetOptions } from "./presets.js";

const OPTIONS = { seed: 5, engineers: 60, teams: 4, repositories: 10, weeks: 26 };
const records = [...generateWorld(OPTIONS)];
const world = World.from(records);
const repos = world.repos().map((r) => `${r.org}/${r.name}`);
const issues = repos.flatMap((r) => [...world.issues(r)]);
const truthIssues = [...world.truthIssues()];
const production = [...world.truthDeployments()].filter((d) => d.production && d.at !== null);
const label = world.header.incidentLabel as string;
const sec = (t: string) => Date.parse(t) / 1000;
const TOKEN = /\b[0-9a-f]{7,40}\b/g;
const tokens = (i: WorldIssue) => [...`${i.title}\n${i.body}`.matchAll(TOKEN)].map((m) => m[0]);

/** METRICS.md's rule as the engine applies it: the latest production deployment of that sha live by then. */
function marked(repo: string, prefix: string, openedAt: string): TruthDeployment | null {
  let best: TruthDeployment | null = null;
  for (const d of production) {
    if (d.repo !== repo || !d.sha.startsWith(prefix) || sec(d.at as string) > sec(openedAt)) continue;
    if (best === null || sec(d.at as string) > sec(best.at as string)) best = d;
  }
  return best;
}

describe("generated issues and incidents", () => {
  it("writes the incident label in the header and labels incidents with it", () => {
    expect(label).toBe("incident");
    expect(issues.filter((i) => i.labels.includes("incident")).length).toBeGreaterThan(20);
    expect(World.from(generateWorld({ ...OPTIONS, incidentLabel: "sev" })).header.incidentLabel).toBe("sev");
  });

  it("files an incident for about 3% of production deployments", () => {
    expect(production.length).toBeGreaterThan(1000);
    const share = production.filter((d) => d.incident).length / production.length;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.04);
    // Each is named by exactly one real incident issue.
    const named = truthIssues.filter((t) => t.incidentOf !== null).map((t) => `${t.repo}:${t.incidentOf}`);
    expect(new Set(named)).toEqual(
      new Set(production.filter((d) => d.incident).map((d) => `${d.repo}:${d.externalId}`)),
    );
  });

  it("opens incidents 10 minutes to 36 hours after the deployment went live, before the next one did", () => {
    let checked = 0;
    for (const t of truthIssues.filter((x) => x.incidentOf !== null)) {
      const issue = world.issue(t.repo, t.number) as WorldIssue;
      const mine = production
        .filter((d) => d.repo === t.repo)
        .sort((a, b) => sec(a.at as string) - sec(b.at as string));
      const k = mine.findIndex((d) => d.externalId === t.incidentOf);
      const d = mine[k] as TruthDeployment;
      const after = sec(issue.createdAt) - sec(d.at as string);
      expect(after).toBeGreaterThanOrEqual(600);
      expect(after).toBeLessThanOrEqual(36 * 3600);
      const next = mine[k + 1];
      if (next) expect(sec(issue.createdAt)).toBeLessThan(sec(next.at as string));
      // Named by a 7-12 digit prefix of its sha.
      expect(t.shas).toHaveLength(1);
      expect(d.sha.startsWith(t.shas[0] as string)).toBe(true);
      expect((t.shas[0] as string).length).toBeGreaterThanOrEqual(7);
      expect((t.shas[0] as string).length).toBeLessThanOrEqual(12);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
    const incidents = issues.filter((i) =>
      truthIssues.some((t) => t.repo === i.repo && t.number === i.number && t.incidentOf),
    );
    const closedInDays = incidents.filter(
      (i) => i.closedAt !== null && sec(i.closedAt) - sec(i.createdAt) <= 5 * 86400,
    );
    expect(closedInDays.length / incidents.length).toBeGreaterThan(0.75);
  });

  it("counts a deployment named by an incident as failed", () => {
    for (const d of production.filter((x) => x.incident)) expect(d.failed).toBe(true);
    expect(production.some((d) => d.incident && !d.failedAfterLive && !d.rolledBack && !d.shippedRevertedChange)).toBe(
      true,
    );
  });

  it("has noise that METRICS.md's rule does not count: other labels, no sha, unknown sha, opened before live", () => {
    const noise = new Map<string, number>();
    for (const t of truthIssues) if (t.noise) noise.set(t.noise, (noise.get(t.noise) ?? 0) + 1);
    expect(noise.get("other-label")).toBeGreaterThan(20);
    expect(truthIssues.some((t) => t.noise === "other-label" && t.shas.length > 0)).toBe(true);
    expect(noise.get("no-sha")).toBeGreaterThan(0);
    expect(noise.get("unknown-sha")).toBeGreaterThan(0);
    expect(noise.get("before-live")).toBeGreaterThan(0);
    // At most a few opened before live: one per repository at most.
    const beforeLive = truthIssues.filter((t) => t.noise === "before-live");
    expect(new Set(beforeLive.map((t) => t.repo)).size).toBe(beforeLive.length);
    for (const t of truthIssues.filter((x) => x.noise === "no-sha")) expect(t.shas).toEqual([]);
    for (const i of issues.filter((x) => !x.labels.includes(label)))
      expect(["bug", "enhancement", "question"]).toContain(i.labels[0]);
  });

  it("marks exactly the incident deployments when the rule is applied to every incident-labelled issue", () => {
    const byRule = new Set<string>();
    for (const i of issues) {
      if (!i.labels.includes(label)) continue;
      for (const token of tokens(i)) {
        const d = marked(i.repo, token, i.createdAt);
        if (d) byRule.add(`${d.repo}:${d.externalId}`);
      }
    }
    expect(byRule).toEqual(new Set(production.filter((d) => d.incident).map((d) => `${d.repo}:${d.externalId}`)));
    // The truth records list the tokens a reader finds.
    for (const t of truthIssues) expect(t.shas).toEqual(tokens(world.issue(t.repo, t.number) as WorldIssue));
  });

  it("numbers issues after the pull requests, never reusing a number, with unique ids", () => {
    for (const repo of repos) {
      const pullNumbers = world.pullNumbers(repo);
      const issueNumbers = world.issueNumbers(repo);
      const lastPull = Math.max(0, ...pullNumbers);
      for (const n of issueNumbers) expect(n).toBeGreaterThan(lastPull);
      expect(issueNumbers).toEqual(issueNumbers.map((_, k) => lastPull + k + 1));
      expect(world.lastNumber(repo)).toBe(Math.max(lastPull, ...issueNumbers));
      const created = issueNumbers.map((n) => world.issue(repo, n)?.createdAt ?? "");
      expect(created).toEqual([...created].sort());
    }
    expect(new Set(issues.map((i) => i.id)).size).toBe(issues.length);
    for (const i of issues) {
      expect(i.createdAt <= i.updatedAt).toBe(true);
      expect(i.updatedAt <= world.header.now).toBe(true);
      expect(i.state === "closed").toBe(i.closedAt !== null);
    }
  });

  it("leaves the rest of the world unchanged when incidents are off, and is deterministic", () => {
    const off = [...generateWorld({ ...OPTIONS, incidentRate: 0 })];
    expect(off.some((r) => r.type === "issue" || r.type === "truth-issue")).toBe(false);
    const strip = (rs: Iterable<{ type: string }>) =>
      [...rs]
        .filter((r) => r.type === "commit" || r.type === "pull" || r.type === "deployment" || r.type === "truth-change")
        .map((r) => JSON.stringify(r));
    expect(strip(off)).toEqual(strip(records));
    const again = [...generateWorld(OPTIONS)].filter((r) => r.type === "issue").map((r) => JSON.stringify(r));
    expect(again).toEqual(issues.map((i) => JSON.stringify(i)));
  });

  it("is on in every preset", () => {
    for (const size of ["small", "demo", "large"]) expect(presetOptions(size, 1).incidentRate).toBe(0.03);
  });

  it("refuses an issue that reuses a pull request's number", () => {
    const repo = repos[0] as string;
    const pull = world.pull(repo, 1);
    const issue = issues.find((i) => i.repo === repo) as WorldIssue;
    const w = World.from(world.records());
    expect(() => w.add({ ...issue, number: 1 })).toThrow(/is a pull request/);
    expect(pull).toBeDefined();
  });
});
