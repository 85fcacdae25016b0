import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { metricNames, serveTelemetry } from "@yardstick/pipeline";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dashboardFile = fileURLToPath(new URL("../infra/grafana/yardstick.json", import.meta.url));
const alertsFile = fileURLToPath(new URL("../infra/prometheus/alerts.yml", import.meta.url));
const composeFile = fileURLToPath(new URL("../infra/docker-compose.yml", import.meta.url));

// The Node.js process metrics (process_*, nodejs_*) join the registry when a process serves it.
serveTelemetry({});
const registered = new Set(metricNames());

/** Metric names a PromQL expression reads (ours and the Node.js process metrics). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:yardstick|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe("infra/grafana/yardstick.json", () => {
  const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it("reads only metrics that exist in the registry", () => {
    expect(exprs.length).toBeGreaterThan(10);
    const missing = exprs.flatMap(({ panel, expr }) =>
      metricsIn(expr)
        .filter((name) => !registered.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("shows every yardstick_* metric somewhere", () => {
    const shown = new Set(exprs.flatMap(({ expr }) => metricsIn(expr)));
    const families = [...registered].filter((n) => n.startsWith("yardstick_") && !/_(bucket|sum|count)$/.test(n));
    const unseen = families.filter(
      (f) => !shown.has(f) && ![`${f}_bucket`, `${f}_sum`, `${f}_count`].some((s) => shown.has(s)),
    );
    expect(unseen).toEqual([]);
  });

  it("has unique panel ids, panels within the 24-column grid, and a Prometheus data source variable", () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    expect(dashboard.templating.list.map((v) => v.name)).toContain("datasource");
    expect(dashboard.uid).toBe("yardstick");
  });
});

describe("infra/prometheus/alerts.yml", () => {
  const text = readFileSync(alertsFile, "utf8");
  const file = parse(text) as { groups: { name: string; rules: Rule[] }[] };
  const rules = file.groups.flatMap((g) => g.rules);

  it("parses as a Prometheus rule file with the alerts the operations guide documents", () => {
    expect(file.groups.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(typeof rule.alert, JSON.stringify(rule)).toBe("string");
      expect(rule.expr.trim()).not.toBe("");
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
    }
    const names = rules.map((r) => r.alert);
    for (const required of [
      "YardstickQueueStuck",
      "YardstickSyncLagHigh",
      "YardstickGitHubRateBudgetExhausted",
      "YardstickJobsFailing",
    ])
      expect(names).toContain(required);
    const operations = readFileSync(fileURLToPath(new URL("../docs/operations.md", import.meta.url)), "utf8");
    for (const name of names) expect(operations, `docs/operations.md names ${name}`).toContain(name as string);
  });

  it("reads only metrics that exist in the registry", () => {
    const missing = rules.flatMap((r) =>
      metricsIn(r.expr)
        .filter((name) => !registered.has(name))
        .map((name) => `${r.alert}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("passes promtool check rules and its unit tests (alerts.test.yml) where promtool is installed (Debian's prometheus package)", () => {
    const version = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if (version.status !== 0) return; // Not installed here: the checks above still ran.
    const check = spawnSync("promtool", ["check", "rules", alertsFile], { encoding: "utf8" });
    expect(check.status, `${check.stdout}\n${check.stderr}`).toBe(0);
    // The rules' unit tests: the alerts fire on the series they are for, and not on the others.
    const tests = spawnSync("promtool", ["test", "rules", alertsFile.replace(/alerts\.yml$/, "alerts.test.yml")], {
      encoding: "utf8",
    });
    expect(tests.status, `${tests.stdout}\n${tests.stderr}`).toBe(0);
  });
});

describe("infra/docker-compose.yml: probes and metrics", () => {
  const compose = parse(readFileSync(composeFile, "utf8"), { merge: true }) as {
    services: Record<string, { command?: string[]; healthcheck?: { test?: string[] } }>;
  };

  it("runs the worker with its health listener, and checks both services' /readyz on their ports", () => {
    const worker = compose.services.worker;
    const command = worker?.command ?? [];
    const port = command[command.indexOf("--health-port") + 1];
    expect(port).toMatch(/^\d+$/);
    expect(worker?.healthcheck?.test?.join(" ")).toContain(`127.0.0.1:${port}/readyz`);
    const api = compose.services.api?.command ?? [];
    expect(compose.services.api?.healthcheck?.test?.join(" ")).toContain(
      `127.0.0.1:${api[api.indexOf("--port") + 1]}/readyz`,
    );
  });
});
