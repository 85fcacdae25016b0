/**
 * The dashboard's speed in a real browser, over `yardstick serve`'s server, on a rolled-up world.
 *
 *   pnpm --filter @yardstick/web build
 *   node --max-old-space-size=16000 --expose-gc --import tsx scripts/bench/dashboard.ts \
 *     [--changes 1000000] [--engineers 5000] [--weeks 52] [--runs 5] [--chromium /usr/bin/chromium] \
 *     [--database NAME]   (keeps the rolled-up world between runs: scripts/bench/rolled-up-world.ts)
 *     [--web DIR]         (another built dashboard than services/web/dist, say an earlier commit's)
 *     [--trace DIR]       (a Chromium performance trace of each drill-down 1, DIR/drill-N.json, for
 *                          chrome://tracing or the DevTools Performance panel; slows what it records)
 *
 * The organisation of scripts/bench/rolled-up-world.ts (shared with scripts/bench/api.ts) is
 * rolled up into a fresh PostgreSQL database; the API server serves it with the built dashboard
 * (services/web/dist) as `yardstick serve` does. Headless Chromium (playwright-core), 1440x900,
 * signed in as a viewer (the session cookie of a viewer token), then `--runs` times, each in a
 * fresh browser context (nothing cached: a first visit):
 *
 * - the overview of the last complete week: first contentful paint (the browser's own
 *   `first-contentful-paint` entry), the time until its figures are shown (the AIND tile), and
 *   until it is settled (its charts drawn, its projection shown: where the drill-down starts);
 * - drill-down 1: click the overview's AIND → the organisation's week with what its AI-assisted
 *   qualifying changes add up to (the sum line: the API's count-and-sum answer) and the first page
 *   of them listed (the dashboard lists them a page at a time);
 * - drill-down 2: click the first change → its evidence shown;
 * - then the same overview again in the same context (assets cached: a returning reader).
 *
 * Each drill-down is timed from the click to the page's content being visible (the user's wait:
 * requests, rendering). Drill-down 1 is also split into its parts, measured in the page (its
 * clock, from the click event as the page receives it): the route change (the group-week page's
 * first render committed), each API request (sent, answered, and its server time from the
 * `Server-Timing` header: the whole answer and each query), the render of the sum line and the
 * rows after the last answer, the next frame painted, the main thread's long tasks (> 50 ms) in
 * between, and the bench's own overhead (Playwright's checks before it clicks, its polling after). The JavaScript bundle is measured from dist: bytes, and gzipped at level 9
 * (what a server compressing it would send). Targets (issue 13): first contentful paint under
 * 1 s, each drill-down under 300 ms, JavaScript under 300 KB gzipped.
 *
 * Prints one JSON object; progress goes to stderr.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createApiToken, SESSION_COOKIE, startApiServer } from "@yardstick/api";
import { Config } from "@yardstick/config";
import { listGroupWeekChanges, upsertVerdicts } from "@yardstick/db";
import { createLogger } from "@yardstick/log";
import { chromium } from "playwright-core";
import { numberOption, option } from "./options.js";
import { log, rolledUpWorld } from "./rolled-up-world.js";

const changes = numberOption("changes", 100_000);
const engineers = numberOption("engineers", 1_000);
const weeks = numberOption("weeks", 52);
const runs = numberOption("runs", 5);
/** A database kept between runs (scripts/bench/rolled-up-world.ts): the world is stored once per size. */
const database = option("database", "");
const executablePath = option("chromium", "/usr/bin/chromium");
/** Where to write a screenshot of the last run's drill-down 1 (`--screenshot FILE.png`); none by default. */
const screenshot = option("screenshot", "");
/** A directory for a Chromium trace of each recorded drill-down 1 (`--trace DIR`); none by default. */
const traceDir = option("trace", "");
/** The built dashboard served (`--web DIR`: another build, say an earlier commit's, to compare against). */
const WEB_DIST = resolve(option("web", fileURLToPath(new URL("../../services/web/dist", import.meta.url))));

if (!existsSync(join(WEB_DIST, "index.html"))) {
  throw new Error(`the dashboard is not built (${WEB_DIST}): run pnpm --filter @yardstick/web build`);
}
if (!existsSync(executablePath)) {
  throw new Error(`no Chromium at ${executablePath}: bash scripts/services.sh --browser (or --chromium PATH)`);
}

/** The bundle's JavaScript: raw and gzipped (level 9) bytes, every file of dist/assets. */
function bundleSize() {
  const dir = join(WEB_DIST, "assets");
  let raw = 0;
  let gzip = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith(".js"));
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, bytes: raw, gzipBytes: gzip, gzipKB: Number((gzip / 1000).toFixed(1)) };
}

const quiet = createLogger({
  service: "bench",
  level: "silent",
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

const world = await rolledUpWorld({ changes, engineers, weeks, ...(database === "" ? {} : { database }) });
(globalThis as { gc?: () => void }).gc?.();
const { t, last, org } = world;
// The generator gives figures and drill-down, not attribution: give the AI-assisted changes of
// the week drilled into a verdict with its evidence, as attribution would have stored it (a
// change page reads one verdict by its key, whatever the table's size).
const aiKeys = await listGroupWeekChanges(t.db, {
  groupKind: "org",
  groupName: org,
  week: last,
  ai: true,
  limit: 10_000_000,
});
await upsertVerdicts(
  t.db,
  aiKeys.map(({ changeKey: key, repo }) => ({
    subjectKind: "change" as const,
    subjectKey: key,
    repo,
    computedAt: new Date(),
    verdict: {
      class: "ai" as const,
      tool: "claude-code" as const,
      tools: ["claude-code" as const],
      confidence: "high" as const,
      subtype: "assisted" as const,
      ruleVersion: "bench",
      evidence: [
        {
          signal: "claude-code.co-author",
          tool: "claude-code" as const,
          confidence: "high" as const,
          location: { kind: "commit" as const, sha: "0123456789abcdef0123456789abcdef01234567", field: "message" },
          matched: "Co-Authored-By: Claude <noreply@anthropic.com>",
        },
      ],
    },
  })),
);
log(`gave ${aiKeys.length} AI-assisted changes of ${last} a verdict with evidence`);
const config = Config.parse({ timeZone: world.timeZone });
const { token } = await createApiToken(t.db, { name: `bench-viewer-${process.pid}-${Date.now()}`, role: "viewer" });
const server = await startApiServer({ logger: quiet, read: { db: t.db, config }, web: { root: WEB_DIST } });
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

/** One API request of drill-down 1, in ms from the click (the page's clock). */
interface DrillRequest {
  /** group-week, summary or page (the first page of changes); anything else by its path. */
  name: string;
  sentMs: number;
  firstByteMs: number;
  doneMs: number;
  /** The server's `Server-Timing` parts (auth, row, count, page, freshness, total), ms. */
  server: Record<string, number>;
}

/** Drill-down 1 split into its parts (the page's clock, ms from the click event). */
interface DrillParts {
  /** From Playwright's click call to the page's click event (its actionability checks, the round trip). */
  beforeClickMs: number;
  /** The group-week page's first render committed (its loading state): the route change. */
  routeMs: number;
  figuresMs: number;
  sumMs: number;
  rowsMs: number;
  /** The frame after both were committed has been painted. */
  paintedMs: number;
  /** From the page's last needed answer (summary, first page) to both rendered. */
  renderAfterLastAnswerMs: number;
  requests: DrillRequest[];
  /** The main thread's tasks over 50 ms between the click and the paint: [start from click, duration]. */
  longTasks: [number, number][];
  /** From the paint to Playwright seeing both (its polling, the round trip). */
  afterPaintMs: number;
}

/**
 * Installed in the page just before drill-down 1's click: records the click event, the first
 * commit of each part of the group-week page (a MutationObserver runs right after React's commit),
 * the frame after them painted (a task posted from the next animation frame runs after its
 * paint) and the main thread's long tasks.
 */
const DRILL_PROBE = `(() => {
  const d = { click: null, route: null, figures: null, sum: null, rows: null, painted: null, longTasks: [] };
  window.__drill = d;
  addEventListener("click", () => { if (d.click === null) d.click = performance.now(); }, { capture: true });
  const seen = () => {
    if (d.click === null) return;
    const now = performance.now();
    if (d.route === null && location.pathname.startsWith("/groups/")) d.route = now;
    if (d.figures === null && document.querySelector('[data-testid="gw-aind"]')) d.figures = now;
    if (d.sum === null && document.querySelector('[data-testid="sum"]')) d.sum = now;
    if (d.rows === null && document.querySelector("table.changes tbody tr")) d.rows = now;
    if (d.painted === null && d.sum !== null && d.rows !== null) {
      d.painted = -1;
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { d.painted = performance.now(); };
        ch.port2.postMessage(0);
      });
    }
  };
  new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) d.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask" });
  } catch {}
})()`;

/** Reads the probe's marks and the drill-down's API requests (resource timing, with Server-Timing). */
const DRILL_READ = `(() => {
  const d = window.__drill;
  const requests = performance.getEntriesByType("resource")
    .filter((e) => e.startTime >= d.click && new URL(e.name).pathname.startsWith("/api/"))
    .map((e) => {
      const path = new URL(e.name).pathname;
      const name = path.endsWith("/changes/summary") ? "summary" : path.endsWith("/changes") ? "page"
        : path.includes("/weeks/") ? "group-week" : path;
      const server = {};
      for (const s of e.serverTiming ?? []) server[s.name] = s.duration;
      return { name, sentMs: e.startTime - d.click, firstByteMs: e.responseStart - d.click, doneMs: e.responseEnd - d.click, server };
    });
  return { d, now: performance.now(), requests };
})()`;

interface Run {
  fcpMs: number;
  overviewShownMs: number;
  overviewSettledMs: number;
  toChangesMs: number;
  parts: DrillParts;
  changesListed: number;
  changesShown: number;
  toEvidenceMs: number;
  warmFcpMs: number;
  warmOverviewShownMs: number;
}

/** Milliseconds from the page's navigation start to now, in the page. */
const sinceNavigation = "performance.now()";
const fcpOf = `(performance.getEntriesByName("first-contentful-paint")[0] ?? { startTime: -1 }).startTime`;
// Waits poll functions, not strings: Playwright evaluates a string predicate again with eval in the
// page on each poll, which the dashboard's Content-Security-Policy refuses (a wait that is not met
// at once then fails).
const fcpRecorded = () => (performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1) >= 0;
const drillPainted = () => ((globalThis as unknown as { __drill?: { painted: number } }).__drill?.painted ?? 0) > 0;

async function once(run: number): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const host = new URL(server.url);
    await context.addCookies([
      { name: SESSION_COOKIE, value: token, domain: host.hostname, path: "/", httpOnly: true, sameSite: "Lax" },
    ]);
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${server.url}/?week=${last}`);
    await page.getByTestId("tile-aind").waitFor();
    const overviewShownMs = (await page.evaluate(sinceNavigation)) as number;
    // The browser records the first contentful paint asynchronously: read it once it exists.
    await page.waitForFunction(fcpRecorded);
    const fcpMs = (await page.evaluate(fcpOf)) as number;
    // The reader clicks on a settled overview: its charts (a chunk loaded after the tiles) drawn
    // and its projection read, so the drill-down is timed on its own, not with the overview's
    // last work.
    await page.locator(".recharts-line").first().waitFor();
    await page.getByTestId("projection").filter({ hasNotText: "…" }).waitFor();
    const overviewSettledMs = (await page.evaluate(sinceNavigation)) as number;

    await page.evaluate(DRILL_PROBE);
    const tracing = traceDir !== "" && run > 0;
    if (tracing) {
      mkdirSync(traceDir, { recursive: true });
      await browser.startTracing(page, { path: join(traceDir, `drill-${run}.json`), screenshots: false });
    }
    const pageT0 = (await page.evaluate(sinceNavigation)) as number;
    let t0 = performance.now();
    await page.getByTestId("aind-drill").click();
    const rows = page.locator("table.changes tbody tr");
    await Promise.all([page.getByTestId("sum").waitFor(), rows.first().waitFor()]);
    const toChangesMs = performance.now() - t0;
    await page.waitForFunction(drillPainted);
    if (tracing) await browser.stopTracing();
    if (screenshot !== "" && run === runs) await page.screenshot({ path: screenshot });
    const parts = drillParts((await page.evaluate(DRILL_READ)) as Probe, pageT0, toChangesMs);
    // "574 changes listed; …": how many the list holds, however many of them are shown.
    const changesListed = Number(
      /^(\d+) changes listed/.exec((await page.getByTestId("sum").textContent()) ?? "")?.[1],
    );
    const changesShown = await rows.count();

    t0 = performance.now();
    await rows.first().locator("a").first().click();
    await page.getByTestId("evidence").waitFor();
    const toEvidenceMs = performance.now() - t0;

    // A returning reader: the same overview, assets from the cache.
    await page.goto(`${server.url}/?week=${last}`);
    await page.getByTestId("tile-aind").waitFor();
    const warmOverviewShownMs = (await page.evaluate(sinceNavigation)) as number;
    await page.waitForFunction(fcpRecorded);
    const warmFcpMs = (await page.evaluate(fcpOf)) as number;
    return {
      fcpMs,
      overviewShownMs,
      overviewSettledMs,
      toChangesMs,
      parts,
      changesListed,
      changesShown,
      toEvidenceMs,
      warmFcpMs,
      warmOverviewShownMs,
    };
  } finally {
    await context.close();
  }
}

interface Probe {
  d: {
    click: number;
    route: number | null;
    figures: number | null;
    sum: number | null;
    rows: number | null;
    painted: number;
    longTasks: [number, number][];
  };
  requests: DrillRequest[];
}

/** The probe's marks as parts of drill-down 1 (ms from the click event). */
function drillParts(p: Probe, pageT0: number, benchMs: number): DrillParts {
  const { d } = p;
  const from = (t: number | null) => (t === null ? Number.NaN : t - d.click);
  const needed = p.requests.filter((r) => r.name === "summary" || r.name === "page");
  // None when the overview fetched them ahead: the page renders from the cache.
  const lastAnswer = needed.length === 0 ? Number.NaN : Math.max(...needed.map((r) => r.doneMs));
  const shown = Math.max(from(d.sum), from(d.rows));
  const beforeClickMs = d.click - pageT0;
  const paintedMs = from(d.painted);
  return {
    // From the bench's click call (approximately: the page's clock read just before it).
    beforeClickMs,
    routeMs: from(d.route),
    figuresMs: from(d.figures),
    sumMs: from(d.sum),
    rowsMs: from(d.rows),
    paintedMs,
    renderAfterLastAnswerMs: shown - lastAnswer,
    requests: p.requests,
    longTasks: d.longTasks.filter(([start]) => start >= d.click).map(([s, dur]) => [s - d.click, dur]),
    afterPaintMs: benchMs - beforeClickMs - paintedMs,
  };
}

const partsLine = (p: DrillParts) =>
  `click ${p.beforeClickMs.toFixed(0)} ms after the bench's call; route ${p.routeMs.toFixed(0)}, ` +
  p.requests
    .map(
      (r) =>
        `${r.name} ${r.sentMs.toFixed(0)}→${r.doneMs.toFixed(0)} (server ${Object.entries(r.server)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(" ")})`,
    )
    .join(", ") +
  `${p.requests.length === 0 ? "no request after the click" : ""}, sum ${p.sumMs.toFixed(0)}, rows ${p.rowsMs.toFixed(0)}${Number.isNaN(p.renderAfterLastAnswerMs) ? "" : ` (render after last answer ${p.renderAfterLastAnswerMs.toFixed(0)})`}, painted ${p.paintedMs.toFixed(0)}, long tasks ${JSON.stringify(p.longTasks.map(([s, d]) => [Math.round(s), Math.round(d)]))}`;

log(`dashboard at ${server.url}: ${runs} runs of overview → AIND changes → one change's evidence`);
const results: Run[] = [];
// One unrecorded run first: the server's and PostgreSQL's first reads (plans, pages) are not a reader's typical wait.
await once(0);
for (let i = 0; i < runs; i++) {
  const r = await once(i + 1);
  log(
    `run ${i + 1}: FCP ${r.fcpMs.toFixed(0)} ms, overview shown ${r.overviewShownMs.toFixed(0)} ms, changes ${r.toChangesMs.toFixed(0)} ms (${r.changesShown} of ${r.changesListed} shown), evidence ${r.toEvidenceMs.toFixed(0)} ms`,
  );
  log(`  drill-down 1: ${partsLine(r.parts)}`);
  results.push(r);
}
await browser.close();
await server.close();
await t.drop();

/** Median and maximum over the runs (of the runs where it was measured: a part may be absent, NaN). */
const stats = (pick: (r: Run) => number) => {
  const v = results
    .map(pick)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p: number) => Number((v[Math.floor(p * (v.length - 1))] ?? 0).toFixed(1));
  return { median: at(0.5), max: Number((v.at(-1) ?? 0).toFixed(1)) };
};
const bundle = bundleSize();
const figures = {
  firstContentfulPaintMs: stats((r) => r.fcpMs),
  overviewShownMs: stats((r) => r.overviewShownMs),
  overviewSettledMs: stats((r) => r.overviewSettledMs),
  drillDown: {
    overviewToChangesMs: stats((r) => r.toChangesMs),
    // Drill-down 1's parts (ms from the page's click event; see DrillParts).
    parts: {
      beforeClickMs: stats((r) => r.parts.beforeClickMs),
      routeMs: stats((r) => r.parts.routeMs),
      clickToPaintedMs: stats((r) => r.parts.paintedMs),
      renderAfterLastAnswerMs: stats((r) => r.parts.renderAfterLastAnswerMs),
      afterPaintMs: stats((r) => r.parts.afterPaintMs),
      longTasksMs: stats((r) => r.parts.longTasks.reduce((sum, [, d]) => sum + d, 0)),
      requests: Object.fromEntries(
        ["group-week", "summary", "page"].map((name) => {
          const of = (r: Run) => r.parts.requests.find((q) => q.name === name);
          return [
            name,
            {
              sentMs: stats((r) => of(r)?.sentMs ?? Number.NaN),
              doneMs: stats((r) => of(r)?.doneMs ?? Number.NaN),
              serverTotalMs: stats((r) => of(r)?.server.total ?? Number.NaN),
              afterTheClick: results.filter((r) => of(r) !== undefined).length,
            },
          ];
        }),
      ),
      runs: results.map((r) => r.parts),
    },
    changesToEvidenceMs: stats((r) => r.toEvidenceMs),
    changesListed: results[0]?.changesListed ?? 0,
    changesShownOnFirstPage: results[0]?.changesShown ?? 0,
  },
  returning: {
    firstContentfulPaintMs: stats((r) => r.warmFcpMs),
    overviewShownMs: stats((r) => r.warmOverviewShownMs),
  },
  javascript: bundle,
};
process.stdout.write(
  `${JSON.stringify(
    {
      size: world.size,
      org,
      week: last,
      runs,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      ...figures,
      targets: {
        firstContentfulPaintUnder1s: (figures.firstContentfulPaintMs?.max ?? Infinity) < 1000,
        drillDownsUnder300ms:
          (figures.drillDown.overviewToChangesMs?.max ?? Infinity) < 300 &&
          (figures.drillDown.changesToEvidenceMs?.max ?? Infinity) < 300,
        javascriptUnder300KBGzipped: bundle.gzipBytes < 300_000,
      },
    },
    null,
    2,
  )}\n`,
);
