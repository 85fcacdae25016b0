import { describe, expect, it } from "vitest";
import { incidentsFromIssue, incidentsFromIssues, shasNamedIn } from "./incidents.js";
import { MetricsInput } from "./inputs.js";
import { prepareMetrics } from "./prepare.js";

const at = new Date("2026-11-18T10:00:00Z");
const issue = (title: string, body = "", repo = "acme/api") => ({ repo, number: 7, title, body, createdAt: at });

describe("shasNamedIn", () => {
  it.each([
    ["Checkout 500s after deploy 1a2b3c4d", ["1a2b3c4d"]],
    ["Errors since A1B2C3D4E5 went out", ["a1b2c3d4e5"]],
    [
      "see https://github.com/acme/api/commit/0123456789abcdef0123456789abcdef01234567",
      ["0123456789abcdef0123456789abcdef01234567"],
    ],
    ["deploy 1a2b3c4d and again 1a2b3c4d, then 9f8e7d6", ["1a2b3c4d", "9f8e7d6"]],
    // Not shas: too short, too long, plain numbers, English words of a-f, parts of longer words.
    ["abc123 is short; 1234567 is a number; defaced and faded are words", []],
    ["0123456789abcdef0123456789abcdef012345678 is 41 long", []],
    ["build-1a2b3c4dz and x1a2b3c4d", []],
  ])("%s", (text, expected) => {
    expect(shasNamedIn(text)).toEqual(expected);
  });
});

describe("incidentsFromIssue", () => {
  const deployments = [
    { repo: "acme/api", source: "release" as const, externalId: "901", ref: "v2.4.1" },
    { repo: "acme/api", source: "tag" as const, externalId: "deploy-2026-11-17", ref: null },
    { repo: "acme/web", source: "release" as const, externalId: "902", ref: "v9.0.0" },
    { repo: "acme/api", source: "deployment" as const, externalId: "55", ref: "main" },
  ];

  it("reports each named sha with the issue's opening time", () => {
    expect(incidentsFromIssue(issue("Rollback? errors since 1a2b3c4d"), deployments)).toEqual([
      { repo: "acme/api", deploymentId: null, sha: "1a2b3c4d", openedAt: at },
    ]);
  });

  it("names release and tag deployments of the same repository by their tag, as a whole word", () => {
    const found = incidentsFromIssue(issue("Checkout broken since v2.4.1.", "Tag deploy-2026-11-17 too"), deployments);
    expect(found.map((i) => i.deploymentId)).toEqual(["acme/api:release:901", "acme/api:tag:deploy-2026-11-17"]);
    expect(
      incidentsFromIssue(issue("not v2.4.10, nor v2.4.1-rc1, nor v9.0.0 (another repository)"), deployments),
    ).toEqual([]);
    // A branch ref ("main") of a Deployments API deployment is not a tag.
    expect(incidentsFromIssue(issue("main is broken"), deployments)).toEqual([]);
  });

  it("gathers the incidents of many issues", () => {
    const issues = [issue("1a2b3c4d broke it"), issue("v9.0.0 broke it", "", "acme/web"), issue("nothing named")];
    expect(incidentsFromIssues(issues, deployments).map((i) => i.sha ?? i.deploymentId)).toEqual([
      "1a2b3c4d",
      "acme/web:release:902",
    ]);
  });
});

describe("an incident issue fails the deployment it names", () => {
  it("marks the latest deployment of the named commit live before the issue", () => {
    const a = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    const b = "ffff0000ffff0000ffff0000ffff0000ffff0000";
    const live = (h: number) => new Date(Date.UTC(2026, 10, 17, h));
    const deployment = (id: string, commit: string, h: number) => ({
      repo: "acme/api",
      source: "deployment" as const,
      externalId: id,
      environment: "production",
      sha: commit,
      ref: "main",
      createdAt: live(h),
      statuses: [{ state: "success" as const, createdAt: live(h) }],
    });
    const failed = (issues: ReturnType<typeof issue>[]) =>
      prepareMetrics(
        MetricsInput.parse({
          config: { timeZone: "UTC", orgName: "acme" },
          // The same commit deployed twice (a redeploy), then the next commit.
          deployments: [deployment("1", a, 9), deployment("2", a, 10), deployment("3", b, 12)],
          commitGraphs: { "acme/api": { head: b, parents: { [b]: [a], [a]: [] } } },
          incidents: incidentsFromIssues(issues, []),
        }),
      )
        .deployments.filter((d) => d.failureReasons.includes("incident"))
        .map((d) => d.id);
    expect(failed([])).toEqual([]);
    // Opened at 10:00 UTC on the 18th: the later deployment of that commit (10:00 on the 17th).
    expect(failed([issue(`errors after ${a.slice(0, 8)}`)])).toEqual(["acme/api:deployment:2"]);
    // An issue opened before the deployment went live names nothing.
    expect(failed([{ ...issue(`errors after ${b.slice(0, 8)}`), createdAt: live(11) }])).toEqual([]);
  });
});
