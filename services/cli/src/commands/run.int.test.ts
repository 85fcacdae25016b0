import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateWorld, presetOptions, type Simulator, startSimulator, World } from "@yardstick/github-sim";
import { MetricsOutput } from "@yardstick/metrics";
import { formatNumber } from "@yardstick/report";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { configInputForWorld } from "../demo/world-config.js";
import { cliEntry } from "../test-cli.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const TOKEN = "run-test-token";

describe("yardstick run with GitHub credentials and a configuration file", () => {
  let simulator: Simulator;
  let dir: string;

  beforeAll(async () => {
    const world = World.from(generateWorld(presetOptions("small", 5)));
    simulator = await startSimulator({ world, tokens: [TOKEN] });
    dir = mkdtempSync(join(tmpdir(), "yardstick-run-"));
    writeFileSync(join(dir, "yardstick.config.json"), JSON.stringify(configInputForWorld(world)));
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
  });

  it("syncs the configured organisation from that GitHub, then writes the figures and the summary", async () => {
    const out = join(dir, "reports");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...cliEntry(), "run", "--no-progress", "--out", out, "--weeks", "4"],
      {
        cwd: root,
        maxBuffer: 64 << 20,
        env: {
          ...process.env,
          GITHUB_TOKEN: TOKEN,
          GITHUB_API_URL: simulator.url,
          YARDSTICK_GITHUB_MIN_TIME_MS: "0",
          YARDSTICK_CONFIG: join(dir, "yardstick.config.json"),
          DATABASE_URL: `pglite:${join(dir, "data")}`,
          REDIS_URL: "",
        },
      },
    );
    expect(stdout).toMatch(/Synced 6 repositories and \d+ merged pull requests/);
    expect(stdout).toContain("0 failed jobs");
    expect(stdout).not.toContain("simulated organisation");
    const output = MetricsOutput.parse(JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")));
    expect(output.weeks).toHaveLength(4);
    expect(output.groups.find((g) => g.kind === "org")?.name).toBe("acme");
    expect(existsSync(join(out, "summary.md"))).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    // The last complete week's digest, named in the output, with the same week as the figures.
    const lastWeek = output.weeks.at(-1) ?? "";
    expect(stdout).toContain(`Digest: ${join(out, `digest-${lastWeek}.md`)}`);
    expect(readFileSync(join(out, `digest-${lastWeek}.md`), "utf8")).toContain(`Week ${lastWeek}`);
    // It really read the simulator: GraphQL points were spent by the token.
    expect(simulator.accounting.of(TOKEN).graphqlPoints).toBeGreaterThan(10);
  }, 300_000);
});

describe("yardstick run with nothing configured (the zero-setup first run)", () => {
  it("generates an organisation, syncs it from the simulator into embedded PGlite and writes report, figures and summary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-demo-"));
    const out = join(dir, "reports");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...cliEntry(), "run", "--size", "small", "--no-progress", "--out", out, "--data-dir", join(dir, "data")],
      {
        cwd: root,
        maxBuffer: 64 << 20,
        // Nothing set: no token, no database, no Redis.
        env: { PATH: process.env.PATH ?? "", HOME: dir },
      },
    );
    expect(stdout).toContain("simulated organisation");
    expect(stdout).toMatch(/(\d+) of \1 merged pull requests in the world synced; 0 failed jobs/);
    const output = MetricsOutput.parse(JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")));
    const org = output.groups.find((g) => g.kind === "org");
    expect(org?.weeks.some((w) => (w.aind ?? 0) > 0)).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<svg");
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/normalised deployments/);
    // This week's digest: the headline equals the figures' last week for the organisation.
    const last = org?.weeks.at(-1);
    const digest = readFileSync(join(out, `digest-${last?.week}.md`), "utf8");
    expect(stdout).toContain(`Digest: ${join(out, `digest-${last?.week}.md`)}`);
    expect(digest).toContain("## Guardrail regressions");
    expect(digest).toContain(`| AIND | ${formatNumber(last?.aind ?? null)} |`);
    const digestHtml = readFileSync(join(out, `digest-${last?.week}.html`), "utf8");
    expect(digestHtml).toMatch(/^<!doctype html>/);
    expect(digestHtml).toContain('<a href="report.html">the full report</a>');
  }, 300_000);
});

describe("yardstick run --serve (the demo's dashboard)", () => {
  it("prints the dashboard's address, serves it signed in as a demo administrator until interrupted, then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-demo-serve-"));
    const child = spawn(
      process.execPath,
      [
        ...cliEntry(),
        "run",
        "--size",
        "small",
        "--no-progress",
        "--serve",
        "--port",
        "0",
        "--out",
        join(dir, "reports"),
        "--data-dir",
        join(dir, "data"),
      ],
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: dir }, stdio: ["ignore", "pipe", "pipe"] },
    );
    // A test that times out never reaches the `finally` below: the dashboard would go on serving.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += String(d);
          const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/auth\/demo/.exec(stdout);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`exited ${code} before serving: ${stdout}\n${stderr}`)));
      });
      expect(stdout).toContain("simulated organisation");
      const signIn = await fetch(`${url}/auth/demo`, { redirect: "manual" });
      expect(signIn.status).toBe(302);
      const cookie = (signIn.headers.get("set-cookie") ?? "").match(/ys_session=[^;]+/)?.[0] as string;
      const me = (await (await fetch(`${url}/api/v1/me`, { headers: { cookie } })).json()) as {
        role: string;
        name: string;
      };
      expect(me.role).toBe("admin");
      expect(me.name).toMatch(/^demo\./);
      const groups = await fetch(`${url}/api/v1/groups`, { headers: { cookie } });
      expect(groups.status).toBe(200);
      const page = await fetch(`${url}/adoption`, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  }, 300_000);
});
