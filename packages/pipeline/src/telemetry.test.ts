import { describe, expect, it } from "vitest";
import { observeJob, scrape, serveTelemetry } from "./telemetry.js";

/** The value of one sample line `name{labels} value` in an exposition, or undefined. */
function line(text: string, prefix: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(prefix));
  return found === undefined ? undefined : Number(found.slice(found.lastIndexOf(" ") + 1));
}

describe("telemetry: the exposition", () => {
  it("reads the state sources at scrape time; a failing or hanging source is marked down and the scrape still answers", async () => {
    let depth = 3;
    serveTelemetry({
      queues: async () => [{ name: "ingest", waiting: depth, active: 1, delayed: 2, failed: 0 }],
      syncs: () => Promise.reject(new Error("database unreachable")),
      budgets: () => new Promise(() => {}), // never answers
      timeoutMs: 200,
      now: () => Date.parse("2026-12-07T00:00:00Z"),
    });
    const started = Date.now();
    const first = await scrape();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(first.contentType).toMatch(/^text\/plain/);
    expect(line(first.body, 'yardstick_queue_jobs{queue="ingest",state="waiting"}')).toBe(3);
    expect(line(first.body, 'yardstick_queue_jobs{queue="ingest",state="delayed"}')).toBe(2);
    expect(line(first.body, 'yardstick_metrics_source_up{source="queues"}')).toBe(1);
    expect(line(first.body, 'yardstick_metrics_source_up{source="sync"}')).toBe(0);
    expect(line(first.body, 'yardstick_metrics_source_up{source="github_budget"}')).toBe(0);
    expect(first.body).not.toContain("yardstick_sync_lag_seconds{");
    // The next scrape reads again: gauges follow the source, not the first value seen.
    depth = 0;
    expect(line((await scrape()).body, 'yardstick_queue_jobs{queue="ingest",state="waiting"}')).toBe(0);
  });

  it("reports sync lag and budgets from their sources, never a repository that was not synced", async () => {
    serveTelemetry({
      syncs: async () => [
        { repo: "acme/a", lastSyncAt: new Date("2026-12-06T23:00:00Z") },
        { repo: "acme/new", lastSyncAt: null },
      ],
      budgets: async () => [
        {
          credential: "0123456789abcdef",
          resources: [{ resource: "graphql", remaining: 42, limit: 5000, resetAt: "2026-12-07T00:30:00.000Z" }],
        },
      ],
      now: () => Date.parse("2026-12-07T00:00:00Z"),
    });
    const { body } = await scrape();
    expect(line(body, 'yardstick_sync_lag_seconds{repository="acme/a"}')).toBe(3600);
    expect(body).not.toContain('repository="acme/new"');
    const labels = '{credential="0123456789abcdef",resource="graphql"}';
    expect(line(body, `yardstick_github_rate_limit_remaining${labels}`)).toBe(42);
    expect(line(body, `yardstick_github_rate_limit_limit${labels}`)).toBe(5000);
    expect(line(body, `yardstick_github_rate_limit_reset_timestamp_seconds${labels}`)).toBe(
      Date.parse("2026-12-07T00:30:00Z") / 1000,
    );
    // The queues are no longer a source of this process: no series, no source_up either way.
    expect(body).not.toContain("yardstick_queue_jobs{");
  });

  it("counts job attempts by outcome, with their durations", async () => {
    observeJob("ingest", "sync.pulls", "completed", 0.2);
    observeJob("ingest", "sync.pulls", "retried", 0.1);
    observeJob("ingest", "sync.pulls", "failed", 0.1);
    observeJob("ingest", "sync.pulls", "rate_limited", 0.05);
    const { body } = await scrape();
    const job = '{queue="ingest",job="sync.pulls"}';
    expect(line(body, `yardstick_jobs_completed_total${job}`)).toBe(1);
    expect(line(body, `yardstick_jobs_retried_total${job}`)).toBe(1);
    expect(line(body, `yardstick_jobs_failed_total${job}`)).toBe(1);
    expect(line(body, `yardstick_jobs_rate_limited_total${job}`)).toBe(1);
    expect(
      line(body, 'yardstick_job_duration_seconds_count{queue="ingest",job="sync.pulls",outcome="completed"}'),
    ).toBe(1);
  });
});
