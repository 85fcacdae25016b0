import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWorld, presetOptions } from "../generator/index.js";
import { diffShape, renderPatch, World } from "../world/index.js";
import { type Simulator, startSimulator } from "./server.js";

/** GET /repos/{o}/{r}/pulls/{n}/files serves each file's unified diff in `patch`, over HTTP. */
describe("pull-request patches over REST", () => {
  const world = World.from(generateWorld(presetOptions("small", 7)), { truth: true });
  let sim: Simulator;
  let octokit: Octokit;
  beforeAll(async () => {
    sim = await startSimulator({ world, tokens: ["t"] });
    octokit = new Octokit({ baseUrl: sim.url, auth: "t" });
  });
  afterAll(() => sim.close());

  const files = async (key: string) => {
    const [repoFull, n] = key.split("#") as [string, string];
    const [owner, repo] = repoFull.split("/") as [string, string];
    return (await octokit.pulls.listFiles({ owner, repo, pull_number: Number(n), per_page: 100 })).data;
  };

  it("a formatting-only change and a whitespace change: patches consistent with the counts and the truth", async () => {
    const truths = [...world.truthChanges()].filter((t) => t.kind === "pull_request");
    const formatting = truths.find((t) => t.formatOnly);
    const whitespace = truths.find((t) => !t.formatOnly && t.whitespaceLines > 0);
    expect(formatting).toBeDefined();
    expect(whitespace).toBeDefined();
    for (const t of [formatting, whitespace]) {
      if (t === undefined) continue;
      const pr = world.pull(t.repo, t.number ?? 0);
      const served = await files(t.key);
      expect(served.map((f) => f.filename)).toEqual(pr?.files.map((f) => f.path));
      let uncounted = 0;
      for (const [i, f] of served.entries()) {
        const file = pr?.files[i];
        if (file === undefined) throw new Error("file missing");
        expect(f.patch).toBe(renderPatch(t.key, file));
        const lines = (f.patch ?? "").split("\n");
        expect(lines.filter((l) => l.startsWith("+")).length).toBe(f.additions);
        expect(lines.filter((l) => l.startsWith("-")).length).toBe(f.deletions);
        uncounted += f.additions + f.deletions - diffShape(file).countable;
      }
      expect(uncounted).toBe(t.whitespaceLines);
    }
  });

  it("the same pull request gives the same text every time", async () => {
    const key = [...world.truthChanges()].find((t) => t.kind === "pull_request")?.key ?? "";
    expect(await files(key)).toEqual(await files(key));
  });
});
