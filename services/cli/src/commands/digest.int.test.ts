import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config, ConfigInput, DigestChannel } from "@yardstick/config";
import { addWeeks } from "@yardstick/core";
import { digestDeliveries, listDigestDeliveries } from "@yardstick/db";
import { createTestDatabase, type TestDatabase } from "@yardstick/db/testing";
import { computeMetrics, median } from "@yardstick/metrics";
import {
  BullMqRunner,
  buildWeeklyDigest,
  channelKey,
  createPipelineDeps,
  createRollupDeps,
  DigestDeliveryError,
  digestOrgOf,
  InlineRunner,
  jobs,
  lastCompleteWeek,
  loadMetricsInput,
  processors,
  readDigestSamples,
} from "@yardstick/pipeline";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configForWorld, configInputForWorld } from "../demo/world-config.js";
import {
  CliProcess,
  inlineSync,
  obliteratePrefix,
  REDIS_URL,
  silent,
  simulate,
  smallWorld,
  uniquePrefix,
  WORKER_ARGS,
} from "../resilience/harness.js";
import { runCli } from "../test-cli.js";
import { registerDigest } from "./digest.js";

/**
 * The weekly digest end to end: a simulated organisation synced into PostgreSQL, the digest job
 * run by BullMQ workers on real Redis, delivered to a directory, a real SMTP server (smtp-server)
 * and a local HTTP receiver standing in for Slack's incoming webhook.
 */

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives; `reject` answers 550 to DATA. */
class TestSmtp {
  readonly mails: Mail[] = [];
  reject = false;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData: (stream, session, callback) => {
      let raw = "";
      stream.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8");
      });
      stream.on("end", () => {
        if (this.reject) {
          callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
          return;
        }
        this.mails.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  port = 0;
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An HTTP receiver standing in for a Slack incoming webhook: answers the queued statuses, then 200 "ok". */
class TestSlack {
  readonly posts: { status: number; body: unknown }[] = [];
  readonly statuses: number[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      const status = this.statuses.shift() ?? 200;
      this.posts.push({ status, body: JSON.parse(body) });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no_service");
    });
  });
  url = "";
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T000/B000/secret`;
  }
  delivered(): number {
    return this.posts.filter((p) => p.status === 200).length;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const world = smallWorld(11);
const now = new Date(world.header.now);
const week = lastCompleteWeek(now, "UTC");
let t: TestDatabase;
let dir: string;
const smtp = new TestSmtp();
const slack = new TestSlack();
let channels: DigestChannel[];
let config: Config;

/** Digest jobs retry after 50 ms here instead of 30 s: the retry behaviour, not its pace, is under test. */
const fastJobs = {
  ...jobs,
  "digest.weekly": { ...jobs["digest.weekly"], options: { attempts: 4, backoff: { type: "fixed", delay: 50 } } },
} as typeof jobs;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-digest-"));
  await Promise.all([smtp.start(), slack.start()]);
  channels = [
    { type: "file", dir: join(dir, "digests") },
    { type: "slack", webhookUrl: slack.url },
    {
      type: "email",
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false },
      from: "Yardstick <digest@acme.test>",
      to: ["leads@acme.test", "cto@acme.test"],
    },
  ];
  const base = configForWorld(world);
  config = { ...base, digest: { ...base.digest, channels } };
  t = await createTestDatabase();
  const sim = await simulate(world);
  try {
    const run = await inlineSync(t.db, sim, config, "digest-sync");
    expect(run.failed).toEqual([]);
  } finally {
    await sim.close();
  }
}, 240_000);

afterAll(async () => {
  await Promise.all([smtp.close(), slack.close()]);
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the digest job of `week` once, inline (the same processor as on BullMQ), and says what failed. */
async function runDigest(week: string) {
  const runner = new InlineRunner({
    catalog: fastJobs,
    processors,
    deps: depsAt(),
    logger: silent,
    sleep: async () => {},
  });
  await runner.enqueue("digest.weekly", { org: digestOrgOf(config), week });
  return runner.drain();
}

const depsAt = (cfg: Config = config) =>
  createPipelineDeps({ db: t.db, github: null as never, config: cfg, now: () => now });

describe("the weekly digest", () => {
  it("has the figures of `yardstick metrics` for its week", async () => {
    const { digest } = await buildWeeklyDigest(createRollupDeps({ db: t.db, config, now: () => now }), { week, now });
    const output = computeMetrics(await loadMetricsInput(t.db, config), {
      from: addWeeks(week, -7),
      to: week,
      now,
    });
    const org = output.groups.find((g) => g.kind === "org");
    const w = org?.weeks.find((x) => x.week === week);
    const p = org?.weeks.find((x) => x.week === addWeeks(week, -1));
    expect(w?.suppressed).toBe(false);
    const byKey = Object.fromEntries(digest.headline.map((h) => [h.key, h]));
    expect(byKey.nd?.value).toBe(w?.nd);
    expect(byKey.aind?.value).toBe(w?.aind);
    expect(byKey.adoption?.value).toBe(w?.adoption);
    expect(byKey.adoption4w?.value).toBe(w?.adoption4w);
    expect(byKey.deployments?.value).toBe(w?.deployments);
    expect(byKey.leadTimeMedian?.value).toBe(w?.leadTimeHours.median);
    expect(byKey.changeFailureRate?.value).toBe(w?.changeFailureRate);
    expect(byKey.nd?.previous).toBe(p?.nd);
    const teams = output.groups.filter((g) => g.kind === "team").map((g) => g.name);
    expect(digest.adoption.teams.map((x) => x.name)).toEqual(teams);
    // No dashboard configured: no dashboard links.
    expect(digest.dashboard).toBeNull();
  });

  it("links to the dashboard's pages, absolute, when `dashboardUrl` is configured", async () => {
    const withDashboard = { ...config, dashboardUrl: "https://yardstick.acme.test/" };
    const { digest, rendered } = await buildWeeklyDigest(
      createRollupDeps({ db: t.db, config: withDashboard, now: () => now }),
      { week, now },
    );
    expect(digest.dashboard?.overview).toBe(`https://yardstick.acme.test/?week=${week}`);
    const team = digest.adoption.teams[0]?.name as string;
    expect(digest.dashboard?.teams[team]).toBe(
      `https://yardstick.acme.test/groups/team/${encodeURIComponent(team)}/weeks/${week}?qualifying=true&ai=true`,
    );
    expect(rendered.markdown).toContain(`(https://yardstick.acme.test/adoption?group=team&week=${week})`);
    expect(rendered.html).toContain(`href="https://yardstick.acme.test/status"`);
  });

  it("tests lead times and revert rates on the week's samples, the very changes behind the figures", async () => {
    const deps = createRollupDeps({ db: t.db, config, now: () => now });
    const { digest } = await buildWeeklyDigest(deps, { week, now });
    const output = computeMetrics(await loadMetricsInput(t.db, config), { from: addWeeks(week, -7), to: week, now });
    const samples = await readDigestSamples(t.db, week);
    for (const g of output.groups.filter((x) => x.kind === "org" || x.kind === "team")) {
      const w = g.weeks.find((x) => x.week === week);
      const s = samples.find((x) => x.kind === g.kind && x.name === g.name);
      if (w === undefined || w.suppressed) {
        expect(s).toBeUndefined();
        continue;
      }
      if (w.deployedChanges === 0) continue;
      expect((s?.changes.ai ?? 0) + (s?.changes.other ?? 0)).toBe(w.deployedChanges);
      expect(median(s?.leadTimeHours.ai ?? [])).toBe(w.guardrails?.ai.leadTimeHours.median ?? null);
      expect(median(s?.leadTimeHours.other ?? [])).toBe(w.guardrails?.other.leadTimeHours.median ?? null);
      const rate = (x: number, n: number) => (n === 0 ? null : x / n);
      expect(rate(s?.reverted.ai ?? 0, s?.changes.ai ?? 0)).toBe(w.guardrails?.ai.revertRate ?? null);
    }
    expect(digest.regressionSummary.withSamples).toBe(true);
    expect(digest.regressionSummary.test).toContain("Mann-Whitney U for lead times");
    for (const r of digest.regressions) expect(r.pValue).toBeLessThan(0.05);
  });

  it("goes once per channel under BullMQ retries: a failed channel is retried alone", async () => {
    const prefix = uniquePrefix();
    slack.statuses.push(500); // Slack is down for the first attempt only.
    const runner = new BullMqRunner({
      catalog: fastJobs,
      processors,
      deps: depsAt(),
      logger: silent,
      redisUrl: REDIS_URL,
      prefix,
    });
    try {
      runner.start();
      await runner.enqueue("digest.weekly", { org: digestOrgOf(config), week });
      const deadline = Date.now() + 60_000;
      while ((await runner.pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await runner.failed()).toEqual([]);
    } finally {
      await runner.close(1_000);
      await obliteratePrefix(REDIS_URL, prefix);
    }
    expect(slack.posts.map((p) => p.status)).toEqual([500, 200]);
    expect(smtp.mails).toHaveLength(1);
    const rows = await listDigestDeliveries(t.db, { org: digestOrgOf(config), week });
    const byType = Object.fromEntries(rows.map((r) => [r.channelType, r]));
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
    expect(byType.slack).toMatchObject({ attempts: 2, channel: channelKey(channels[1] as DigestChannel) });
    expect(byType.email?.attempts).toBe(1);
    expect(byType.file?.attempts).toBe(1);
    // No secret in the record: the webhook URL is hashed.
    expect(JSON.stringify(rows)).not.toContain("secret");

    // What arrived: Block Kit for Slack, text and HTML parts by SMTP, Markdown and HTML files.
    const posted = slack.posts[1]?.body as { text: string; blocks: { type: string }[] };
    expect(posted.blocks[0]?.type).toBe("header");
    expect(posted.text).toContain(week);
    const mail = smtp.mails[0] as Mail;
    expect(mail.to.sort()).toEqual(["cto@acme.test", "leads@acme.test"]);
    expect(mail.raw).toMatch(/^Subject: Yardstick .*, \d{4}-W\d{2}/m);
    expect(mail.raw).toContain("multipart/alternative");
    expect(mail.raw).toContain("Content-Type: text/plain");
    expect(mail.raw).toContain("Content-Type: text/html");
    expect(mail.raw).toMatch(/^Message-ID: <yardstick-digest-/im);
    const md = readFileSync(join(dir, "digests", `digest-${week}.md`), "utf8");
    expect(md).toContain(`Week ${week}`);
    expect(existsSync(join(dir, "digests", `digest-${week}.html`))).toBe(true);
  }, 90_000);

  it("sends nothing when the week's job runs again", async () => {
    const file = join(dir, "digests", `digest-${week}.md`);
    const before = statSync(file).mtimeMs;
    expect((await runDigest(week)).failed).toEqual([]);
    expect(slack.posts).toHaveLength(2);
    expect(smtp.mails).toHaveLength(1);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it("fails a permanently refused channel for good and keeps the others delivered", async () => {
    const other = addWeeks(week, -1);
    slack.statuses.push(404);
    const summary = await runDigest(other);
    expect(summary.failed).toHaveLength(1);
    const error = summary.failed[0]?.error;
    expect(error).toBeInstanceOf(DigestDeliveryError);
    expect((error as DigestDeliveryError).retryable).toBe(false);
    expect(error?.message).toContain("Slack answered 404");
    expect(error?.message).not.toContain("secret");
    // One attempt only (a 404 cannot pass on retry); email and file went out once.
    expect(slack.posts.filter((p) => p.status === 404)).toHaveLength(1);
    expect(smtp.mails).toHaveLength(2);
    const rows = await listDigestDeliveries(t.db, { org: digestOrgOf(config), week: other });
    expect(rows.map((r) => [r.channelType, r.status]).sort()).toEqual([
      ["email", "delivered"],
      ["file", "delivered"],
      ["slack", "failed"],
    ]);
    expect(rows.find((r) => r.channelType === "slack")?.lastError).toContain("404");
  });

  it("retries an SMTP refusal without resending Slack", async () => {
    const other = addWeeks(week, -2);
    smtp.reject = true;
    const first = await runDigest(other);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]?.error).toMatchObject({ retryable: false });
    const slackBefore = slack.delivered();
    smtp.reject = false;
    // The operator fixes the mailbox and sends again: only email goes out.
    const again = await runDigest(other);
    expect(again.failed).toEqual([]);
    expect(slack.delivered()).toBe(slackBefore);
    expect(smtp.mails).toHaveLength(3);
    const rows = await listDigestDeliveries(t.db, { org: digestOrgOf(config), week: other });
    expect(rows.find((r) => r.channelType === "email")).toMatchObject({ status: "delivered", attempts: 2 });
  });
});

describe("yardstick digest", () => {
  let configFile: string;

  const cli = (args: string[]) => runCli([registerDigest], args);

  beforeAll(() => {
    const input: ConfigInput = {
      ...configInputForWorld(world),
      digest: { channels: [{ type: "file", dir: "cli-digests" }] },
    };
    configFile = join(dir, "yardstick.config.json");
    writeFileSync(configFile, JSON.stringify(input));
  });

  const db = () => ["--config", configFile, "--database-url", t.url];

  it("prints the digest without sending or recording anything (--dry-run)", async () => {
    const rowsBefore = (await t.db.select().from(digestDeliveries)).length;
    const md = await cli(["digest", "--week", week, "--dry-run", ...db()]);
    expect(md).toContain(`Week ${week}`);
    expect(md).toContain("## Adoption against target");
    const slackJson = JSON.parse(await cli(["digest", "--week", week, "--format", "slack", ...db()]));
    expect(slackJson.blocks[0].type).toBe("header");
    expect((await t.db.select().from(digestDeliveries)).length).toBe(rowsBefore);
    expect(existsSync(join(dir, "cli-digests"))).toBe(false);
  });

  it("sends to the configured channels once (--send twice)", async () => {
    const first = await cli(["digest", "--week", week, "--send", ...db()]);
    expect(first).toContain(`sent        file:${join(dir, "cli-digests")}`);
    expect(readFileSync(join(dir, "cli-digests", `digest-${week}.md`), "utf8")).toContain(week);
    const second = await cli(["digest", "--week", week, "--send", ...db()]);
    expect(second).toContain("not resent");
  });

  it("names the option and the fix for a bad week", async () => {
    await expect(cli(["digest", "--week", "2026-47", ...db()])).rejects.toThrow(
      /--week: not an ISO week: "2026-47" \(for example: 2026-W47\)/,
    );
  });
});

describe("yardstick worker", () => {
  let worker: CliProcess | undefined;
  const prefix = uniquePrefix();

  afterAll(async () => {
    await worker?.stop();
    await obliteratePrefix(REDIS_URL, prefix);
  });

  it("schedules the digest on the configured cron in the organisation's time zone, and the rollups", async () => {
    const input: ConfigInput = {
      ...configInputForWorld(world),
      digest: { schedule: "0 9 * * 1", timeZone: "Europe/Berlin", channels: [{ type: "file", dir: "w" }] },
    };
    const configPath = join(dir, "worker.config.json");
    writeFileSync(configPath, JSON.stringify(input));
    const args = WORKER_ARGS.map((a, i) => (WORKER_ARGS[i - 1] === "--rollups-every" ? "30" : a));
    const startWorker = async () => {
      worker = new CliProcess(args, {
        databaseUrl: t.url,
        redisUrl: REDIS_URL,
        simulatorUrl: "http://127.0.0.1:9",
        configPath,
        prefix,
      });
      await worker.waitFor("worker started");
    };
    await startWorker();
    const producer = new BullMqRunner({ catalog: jobs, deps: null, logger: silent, redisUrl: REDIS_URL, prefix });
    try {
      const scheduler = await producer.scheduleOf(`digest-${digestOrgOf(config)}`, "digest.weekly");
      expect(scheduler).toMatchObject({ pattern: "0 9 * * 1", tz: "Europe/Berlin" });
      const next = scheduler?.next ?? new Date(0);
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        weekday: "long",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(next);
      expect(local).toBe("Monday 09:00");
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      // Periodic and webhook-driven syncs have no rollup of their own: the worker schedules one.
      expect(await producer.scheduleOf("rollups", "rollups.recompute")).toMatchObject({ every: 30 * 60_000 });

      // `digest.channels: []` turns the digest off for every worker: the next worker removes the schedule.
      await worker?.stop();
      writeFileSync(configPath, JSON.stringify({ ...input, digest: { channels: [] } }));
      await startWorker();
      expect(await producer.scheduleOf(`digest-${digestOrgOf(config)}`, "digest.weekly")).toBeNull();
    } finally {
      await producer.close(1_000);
    }
  }, 60_000);
});
